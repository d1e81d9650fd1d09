"""Playwright helpers for the browser journeys: Debian's Chromium, screenshots, axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.processes import BASE_DIR

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 812}
AXE_SOURCE = (BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
  }));
}"""
SERIOUS = ("serious", "critical")


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Recorder:
    """Screenshots every page of a journey into `folder`, runs axe-core on it, and
    collects Content-Security-Policy violations the browser reports."""

    page: Page
    folder: Path
    shots: list[Path] = field(default_factory=list)
    axe: dict[str, list[str]] = field(default_factory=dict)
    csp: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.on("console", self._console)

    def _console(self, message: object) -> None:
        text = getattr(message, "text", "")
        if "Content Security Policy" in text:
            self.csp.append(text)

    def snap(self, name: str, *, audit: bool = True) -> None:
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        self.shots.append(path)
        if audit:
            self.axe[name] = axe_violations(self.page)

    def serious_violations(self) -> dict[str, list[str]]:
        serious = {
            name: [v for v in found if v.startswith(SERIOUS)] for name, found in self.axe.items()
        }
        return {name: found for name, found in serious.items() if found}

    def axe_summary(self) -> str:
        found = sorted({v.split(" at ", 1)[0] for vs in self.axe.values() for v in vs})
        return f"axe-core on {len(self.axe)} pages: " + ("; ".join(found) or "no violations")


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now, "impact id: help at [targets]".

    The source is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the journey runs with the production CSP enforced (no bypass_csp).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {AXE_SOURCE}\n; window.axe = axe; }}")
    violations = page.evaluate(AXE_RUN)
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['targets']}" for v in violations]
