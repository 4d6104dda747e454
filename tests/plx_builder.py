"""A small builder of «Планы» (.plx) files for the tests: the diffgram layout of the real
files (root «Документ», the DataSet in its own namespace, every value an attribute), with only
the tables the import reads. Rows are given as index, kind, hours and forms per semester."""
from xml.sax.saxutils import quoteattr

DIFFGRAM = "urn:schemas-microsoft-com:xml-diffgram-v1"
DATASET = "http://tempuri.org/dsMMISDB.xsd"
TYPES = {"pm": "1", "discipline": "2", "mdk": "2", "up": "3", "pp": "3", "pdp": "3",
         "module_exam": "4", "gia": "6", "group": "1", "choice": "5"}
PRACTICE = {"up": "6", "pp": "7", "pdp": "72"}
WORK = {"lectures": "101", "laboratory": "102", "practical": "103", "self_study": "107",
        "exam": "108", "consultations": "141", "course_design": "114"}
FORMS = {"Эк": "1", "За": "2", "ЗаО": "3", "КП": "4", "КР": "5", "Др": "49", "ЭМ": "1"}


def _element(name: str, **attrs) -> str:
    values = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items() if v is not None)
    return f"<{name} {values} />"


class PlanBuilder:
    def __init__(self, code="09.02.07", name="ИНФОРМАЦИОННЫЕ СИСТЕМЫ И ПРОГРАММИРОВАНИЕ",
                 year=2024, level="4", form="1", qualification="Программист", years=3,
                 months=10):
        self.header = dict(code=code, name=name, year=year, level=level, form=form,
                           qualification=qualification, years=years, months=months)
        self.rows: list[dict] = []
        self.competences: list[str] = []
        self.complex: list[tuple[str, int, list[str]]] = []

    def row(self, index, name, kind, parent=None, cycle="ОП", hours=None, forms=None,
            weeks=None, competences=(), practice_hours=None):
        """hours: {semester: {kind of work: hours}}; forms: {semester: [codes]};
        weeks: {semester: weeks}; practice_hours: {semester: hours of practical training}."""
        self.rows.append(dict(index=index, name=name, kind=kind, parent=parent, cycle=cycle,
                              hours=hours or {}, forms=forms or {}, weeks=weeks or {},
                              competences=list(competences), practice=practice_hours or {}))
        for code in competences:
            if code not in self.competences:
                self.competences.append(code)
        return self

    def complex_form(self, code: str, semester: int, indices: list[str]):
        self.complex.append((code, semester, indices))
        return self

    def _code(self, index) -> str:
        return str(-1 - next(n for n, r in enumerate(self.rows) if r["index"] == index))

    def xml(self) -> str:
        h = self.header
        out = ['<?xml version="1.0" encoding="{encoding}"?>',
               _element("Документ", Тип="РАБОЧИЙ УЧЕБНЫЙ ПЛАН", КодУровняОбразования=h["level"],
                        СеместровНаКурсе="2")[:-3] + ">",
               f'<diffgr:diffgram xmlns:diffgr="{DIFFGRAM}"><dsMMISDB xmlns="{DATASET}">',
               _element("ООП", Код="77", Шифр=h["code"], Название=h["name"]),
               _element("Планы", Код="-1", КодООП="77", КодФормыОбучения=h["form"],
                        Квалификация=h["qualification"], СрокОбучения=h["years"],
                        СрокОбученияМесяцев=h["months"], ГодНачалаПодготовки=h["year"],
                        КодУровняОбразования=h["level"], СеместровНаКурсе="2")]
        cycles = sorted({r["cycle"] for r in self.rows if r["cycle"]})
        out += [_element("ПланыЦиклы", Код=str(-1 - n), Идентификатор=c, Цикл=c)
                for n, c in enumerate(cycles)]
        out += [_element("СправочникВидыРабот", Код=code, КодТипРабот=kind)
                for code, kind in (("1", "7"), ("2", "7"), ("3", "7"), ("4", "7"), ("5", "7"),
                                   ("49", "7"), ("101", "1"), ("103", "2"), ("1000", ""),
                                   ("51", ""), ("52", "8"))]
        hours = []
        for row in self.rows:
            code = self._code(row["index"])
            out.append(_element(
                "ПланыСтроки", Код=code, ДисциплинаКод=row["index"], Дисциплина=row["name"],
                ТипОбъекта=TYPES[row["kind"]], ВидПрактики=PRACTICE.get(row["kind"]),
                КодБлока=str(-1 - cycles.index(row["cycle"])) if row["cycle"] else None,
                КодРодителя=self._code(row["parent"]) if row["parent"] else None))
            for semester, kinds in row["hours"].items():
                course, term = (semester + 1) // 2, 2 - semester % 2
                for kind, amount in kinds.items():
                    hours.append(dict(КодОбъекта=code, КодВидаРаботы=WORK[kind],
                                      КодТипаЧасов="1", Курс=course, Семестр=term,
                                      Количество=amount))
                hours.append(dict(КодОбъекта=code, КодВидаРаботы="1000", КодТипаЧасов="1",
                                  Курс=course, Семестр=term,
                                  Количество=sum(kinds.values())))
            for semester, amount in row["practice"].items():
                hours.append(dict(КодОбъекта=code, КодВидаРаботы="103", КодТипаЧасов="5",
                                  Курс=(semester + 1) // 2, Семестр=2 - semester % 2,
                                  Количество=amount))
            for semester, codes in row["forms"].items():
                for form in codes:
                    hours.append(dict(КодОбъекта=code, КодВидаРаботы=FORMS[form],
                                      КодТипаЧасов="1", Курс=(semester + 1) // 2,
                                      Семестр=2 - semester % 2, Количество=1))
            for semester, weeks in row["weeks"].items():
                hours.append(dict(КодОбъекта=code, КодВидаРаботы="51", КодТипаЧасов="1",
                                  Курс=(semester + 1) // 2, Семестр=2 - semester % 2,
                                  Количество=0, Недель=weeks))
        out += [_element("ПланыНовыеЧасы", Код=str(-1 - n), Сессия="0", **record)
                for n, record in enumerate(hours)]
        out += [_element("ПланыКомпетенции", Код=str(-1 - n), ШифрКомпетенции=c)
                for n, c in enumerate(self.competences)]
        links = [(self._code(r["index"]), str(-1 - self.competences.index(c)))
                 for r in self.rows for c in r["competences"]]
        out += [_element("ПланыКомпетенцииДисциплины", Код=str(-1 - n), КодСтроки=row,
                         КодКомпетенции=comp) for n, (row, comp) in enumerate(links)]
        for n, (code, semester, indices) in enumerate(self.complex):
            out.append(_element("КомплексныеФК", Код=str(-1 - n), КодВидаРабот=FORMS[code],
                                Курс=(semester + 1) // 2, Семестр=2 - semester % 2,
                                Наименование="Комплексный"))
            out += [_element("Строки_КомплексныеФК", Код=f"-{n}{m}",
                             КодСтроки=self._code(i), КодКомплекснойФК=str(-1 - n),
                             Курс=(semester + 1) // 2, Семестр=2 - semester % 2)
                    for m, i in enumerate(indices)]
        out += ["</dsMMISDB></diffgr:diffgram></Документ>"]
        return "\n".join(out)

    def utf16(self) -> bytes:
        return "\ufeff".encode("utf-16-le") + self.xml().replace(
            "{encoding}", "utf-16").encode("utf-16-le")

    def utf8(self) -> bytes:
        return b"\xef\xbb\xbf" + self.xml().replace("{encoding}", "utf-8").encode("utf-8")


def full_plan(**header) -> PlanBuilder:
    """Every kind of row and form: disciplines with Эк, За, ЗаО, Др; a ПМ with МДК (КП, КР,
    Эк), УП, ПП and its module exam; ПДП; ГИА; a complex credit over two disciplines; a
    grouping without hours and a look-alike Latin index."""
    return (PlanBuilder(**header)
            .row("БД", "Базовые дисциплины", "group", cycle=None)
            .row("ОГСЭ.01", "Основы философии", "discipline", cycle="ОГСЭ",
                 hours={2: {"lectures": 30, "practical": 18}}, forms={2: ["ЗаО"]},
                 competences=["ОК 1", "ОК 2"], practice_hours={2: 18})
            .row("ОГСЭ.05", "Физическая культура", "discipline", cycle="ОГСЭ",
                 hours={1: {"practical": 34}, 2: {"practical": 48}},
                 forms={1: ["За"], 2: ["Др"]}, competences=["OK 8"])
            .row("  OП.01", "Операционные системы", "discipline", cycle="ОПЦ",
                 hours={1: {"lectures": 20, "laboratory": 20, "self_study": 4},
                        2: {"lectures": 10, "practical": 20, "consultations": 2, "exam": 6}},
                 forms={1: ["Др"], 2: ["Эк"]}, competences=["ОК 1"])
            .row("ОП.02", "Архитектура", "discipline", cycle="ОПЦ",
                 hours={3: {"lectures": 24, "practical": 24}}, forms={3: ["ЗаО"]})
            .row(" ПМ.01", "Разработка модулей", "pm", cycle="ПЦ", competences=["ПК 1.1"])
            .row("ПM.01.ЭК", "Экзамен по модулю", "module_exam", parent=" ПМ.01", cycle="ПЦ",
                 hours={4: {"exam": 18}}, forms={4: ["ЭМ"]})
            .row("  МДК.01.01", "Разработка программных модулей", "mdk", parent=" ПМ.01",
                 cycle="ПЦ", hours={3: {"lectures": 36, "practical": 36, "exam": 18},
                                    4: {"lectures": 18, "practical": 18,
                                        "course_design": 36}},
                 forms={3: ["Эк"], 4: ["ЗаО", "КП"]}, competences=["ПК 1.1", "ПК 1.2"])
            .row("  МДК.01.02", "Поддержка и тестирование", "mdk", parent=" ПМ.01",
                 cycle="ПЦ", hours={4: {"lectures": 20, "course_design": 20}},
                 forms={4: ["КР", "Др"]}, competences=["ПК 1.2"])
            .row("  УП.01.01", "Учебная практика", "up", parent=" ПМ.01", cycle="ПЦ",
                 hours={3: {"practical": 108}}, weeks={3: 3}, forms={3: ["ЗаО"]},
                 competences=["ПК 1.1"])
            .row(" ПП.01.01", "Производственная практика", "pp", parent=" ПМ.01", cycle="ПЦ",
                 hours={4: {"practical": 144}}, weeks={4: 4}, forms={4: ["ЗаО"]})
            .row("ПДП", "Преддипломная практика", "pdp", cycle="ПЦ",
                 hours={6: {"practical": 144}}, weeks={6: 4}, forms={6: ["ЗаО"]})
            .row("ГИА.01", "Защита выпускной квалификационной работы", "gia", cycle="ГИА",
                 hours={6: {"practical": 72}}, weeks={6: 2})
            .complex_form("ЗаО", 3, ["ОП.02", "  УП.01.01"]))
