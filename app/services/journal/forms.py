"""The vocabulary of the forms of control (4.7): the final kinds a semester's form in the
curriculum asks for, their order, the values each kind takes and the results that are not
grades. Plain data, imported by the journal, the sheets and the debts alike."""

# The final kinds a semester's assessment form asks for: a semester grade wherever marks are
# numeric, the intermediate attestation itself for an exam, a credit or a differentiated one, a
# course project or work, a module exam (of a professional module, ПМ).
FORM_KINDS = {"grade": ["semester"], "exam": ["semester", "exam"],
              "diff_credit": ["semester", "diff_credit"], "credit": ["credit"], "none": [],
              "course_project": ["course_project"], "course_work": ["course_work"],
              "module_exam": ["module_exam"]}
KIND_ORDER = ("semester", "credit", "diff_credit", "exam", "course_project", "course_work",
              "module_exam", "year")
GRADES = ("2", "3", "4", "5")
CREDITS = ("зач", "незач")
NOT_ATTESTED, ABSENT, EXEMPT, TRANSFERRED = "н/а", "неяв", "осв", "перезач"
# 4.7: results that are not grades — an exemption and credits transferred are no debt; a
# no-show («неявка») is one, kept apart from «н/а» (not attested, or not admitted)
RESULTS = (NOT_ATTESTED, ABSENT, EXEMPT, TRANSFERRED)


def form_parts(form: str | None) -> list[str]:
    """"exam+course_project" → ["exam", "course_project"]: a semester's forms of control."""
    return [part for part in (form or "").split("+") if part]


def form_kinds(form: str | None) -> list[str]:
    """The final kinds a semester's form (simple or with a course project) asks for."""
    kinds: list[str] = []
    for part in form_parts(form):
        kinds += [k for k in FORM_KINDS.get(part, []) if k not in kinds]
    return kinds



def allowed_values(kind: str) -> tuple[str, ...]:
    """A credit is зачтено / не зачтено, anything else 2–5; an attestation (not the semester's
    or the year's grade) may also be a no-show; any kind may be exempt or transferred."""
    scale = CREDITS if kind == "credit" else GRADES
    if kind in ("semester", "year"):
        return scale + (NOT_ATTESTED, EXEMPT, TRANSFERRED)
    return scale + RESULTS
