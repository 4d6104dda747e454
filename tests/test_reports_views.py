"""How the results (6.2) and objectivity (2.2) reports open and print: on the last completed
period, with horizontal bar charts, and a print view that holds the document alone."""
import re

import pytest

from tests.reports_helpers import final


@pytest.fixture()
def graded(college, db):
    for student, value in zip(college.a_students, ("5", "4", "3", "5", "4")):
        final(college.journal_a_op, student, college.autumn, "exam", value)
    db.session.commit()
    return college


def selected_period(html: str) -> str:
    return re.search(r'<option value="(\d+)" selected>', html).group(1)


def test_reports_open_on_the_last_completed_period(app, graded, login, monkeypatch):
    """In February the autumn semester is over: both reports open on it, not on the spring
    semester where nobody has a final grade yet."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-02-16")
    deputy = login("deputy")
    results = deputy.get("/reports/results").get_data(as_text=True)
    assert selected_period(results) == str(graded.autumn.id)
    assert "ОП.01" in results.split('id="results"')[1]
    objectivity = deputy.get("/reports/objectivity").get_data(as_text=True)
    assert selected_period(objectivity) == str(graded.autumn.id)
    # before any period is over: the current one
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2025-10-01")
    assert selected_period(deputy.get("/reports/results").get_data(as_text=True)) == \
        str(graded.autumn.id)
    # an explicit choice is kept
    spring = deputy.get(f"/reports/results?period={graded.spring.id}").get_data(as_text=True)
    assert selected_period(spring) == str(graded.spring.id)


def test_chart_is_horizontal_and_print_view_is_bare(app, graded, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-02-16")
    deputy = login("deputy")
    page = deputy.get("/reports/results").get_data(as_text=True)
    assert 'indexAxis: "y"' in page and "vendor/chart.js/chart.umd.min.js" in page
    for url in ("/reports/results?print=1", "/reports/objectivity?print=1"):
        printed = deputy.get(url)
        text = printed.get_data(as_text=True)
        assert printed.status_code == 200, url
        assert "navbar" not in text and "<nav" not in text, url  # no menu on the document
        assert "@media print" in text and "1 семестр" in text, url
    assert "ОП.01" in deputy.get("/reports/results?print=1").get_data(as_text=True)


def test_journal_print_names_final_grades_in_russian(graded, login):
    """The print-out's final-grade columns read «1 семестр», «1 семестр / экзамен» — no code."""
    html = login("deputy").get(f"/journal/{graded.journal_a_op.id}/print/").get_data(as_text=True)
    heads = re.findall(r'<th class="jp-final">(.*?)</th>', html, re.S)
    assert heads and all(re.fullmatch(r"[12] семестр(<br>[а-яё. ]+)?", h) for h in heads), heads
    assert not re.search(r"semester|exam|credit", "".join(heads))


def test_empty_reports_say_why_instead_of_showing_a_blank_table_and_chart(app, graded, login,
                                                                         monkeypatch):
    """The spring semester has no final grades: both reports explain it and show no empty
    chart box or table header."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-02-16")
    deputy = login("deputy")
    results = deputy.get(f"/reports/results?period={graded.spring.id}").get_data(as_text=True)
    assert "За выбранный период итоговых оценок нет" in results
    assert 'id="results"' not in results and 'class="results-chart-box"' not in results
    objectivity = deputy.get(f"/reports/objectivity?period={graded.spring.id}").get_data(
        as_text=True)
    assert "сравнивать нечего" in objectivity and 'id="objectivity"' not in objectivity


def test_reports_open_on_a_period_with_data_and_name_the_empty_ones(app, graded, login,
                                                                     monkeypatch):
    """27: in a college's first year the last semester may hold nothing: the reports open on
    the latest period with data, and the choice names the periods without any."""
    monkeypatch.setitem(app.config, "JOURNAL_TODAY", "2026-07-01")  # spring over, no grades
    deputy = login("deputy")
    results = deputy.get("/reports/results").get_data(as_text=True)
    assert selected_period(results) == str(graded.autumn.id)
    spring = re.search(rf'<option value="{graded.spring.id}"[^>]*>([^<]*)<', results).group(1)
    assert "нет итоговых оценок" in spring
    objectivity = deputy.get("/reports/objectivity").get_data(as_text=True)
    assert selected_period(objectivity) == str(graded.autumn.id)
    council = deputy.get("/reports/council/").get_data(as_text=True)
    assert council.count('class="text-muted council-note"') == 4
