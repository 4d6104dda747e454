"""axe-core in the browser tests (SPEC §8, WCAG 2.1 AA / ГОСТ Р 52872-2019).

axe-core comes from the npm registry, pinned in tests/a11y/package-lock.json and installed by
`scripts/bootstrap.sh --dev`; the file is put into the page by the test, never by the portal.
A missing file is a failure, not a skip."""
from pathlib import Path

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                            resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' +
                                         n.failureSummary.split('\\n').slice(1, 3).join(' '))}));
}"""


def axe_violations(page) -> list[dict]:
    """The page's serious and critical violations of WCAG 2.1 A/AA, as axe-core reports them."""
    assert AXE.is_file(), f"{AXE} is missing: run scripts/bootstrap.sh --dev"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN, WCAG_AA)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}: {v['help']}) at {' | '.join(v['nodes'])}"
                     for v in violations)


def resize(page, viewport: dict) -> None:
    """A new width, and the page's own reaction to it (a resize handler runs before the next
    frames are drawn)."""
    page.set_viewport_size(viewport)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => "
                  "requestAnimationFrame(() => done())))")


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return {tag: el.tagName, outline: s.outlineStyle === 'none' ? 'none'
            : s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


def focus_is_visible(page) -> dict:
    """The focused element's outline and shadow: one of them must show (WCAG 2.4.7)."""
    style = page.evaluate(FOCUS_STYLE)
    assert style is not None, "nothing has the focus"
    assert style["outline"] not in ("none", "") and not style["outline"].endswith(" 0px") \
        or style["shadow"] not in ("none", ""), style
    return style


def assert_fits_the_screen(page) -> dict:
    """Neither the document nor its body is wider than the window (SPEC §8: a 390-px phone);
    returns the widths."""
    widths = page.evaluate("""() => ({doc: document.documentElement.scrollWidth,
        body: document.body.scrollWidth, screen: window.innerWidth})""")
    assert widths["doc"] <= widths["screen"] and widths["body"] <= widths["screen"], widths
    return widths


def scrolls_inside(box) -> bool:
    """The element's content is wider than the element: it scrolls in its own box."""
    sizes = box.evaluate("b => ({scroll: b.scrollWidth, client: b.clientWidth})")
    return sizes["scroll"] > sizes["client"]
