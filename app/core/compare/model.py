"""The comparison's domain objects, frozen: claims with their passages, the dossier,
the instructor's key (cells and verdicts) and a student's grid answer."""

from __future__ import annotations

from dataclasses import field, replace

from app.core.record import record

KINDS = ("read", "compare")
# what an article does with a claim (the key's cells)
SUPPORTS = ("named", "unnamed", "none", "against", "absent")
# what a student may answer in a cell: a support, or "makes" (source not chosen yet)
CHOICES = ("named", "unnamed", "none", "makes", "against", "absent")
VERDICTS = ("confirmed", "contested", "unsupported", "contradicted")
ENTRY_KINDS = ("fact", "outlet", "author")

# words, shared by every screen, PDF and the command line
CHOICE_WORDS = {
    "named": "Makes it — on a named source",
    "unnamed": "Makes it — on an unnamed source",
    "none": "Makes it — on no source",
    "makes": "Makes it — source not chosen yet",
    "against": "Contradicts it",
    "absent": "Does not mention it",
}
CHOICE_SHORT = {
    "named": "named source", "unnamed": "unnamed source", "none": "no source",
    "makes": "makes it (source?)", "against": "contradicts", "absent": "not in it",
}
VERDICT_WORDS = {
    "confirmed": "Confirmed by independent named sources",
    "contested": "Contested: credible sources disagree, or it is partly confirmed",
    "unsupported": "Unsupported: nothing checkable backs it",
    "contradicted": "Contradicted by independent named sources",
}
VERDICT_SHORT = {"confirmed": "confirmed", "contested": "contested",
                 "unsupported": "unsupported", "contradicted": "contradicted"}
ENTRY_KIND_WORDS = {"fact": "Source", "outlet": "Who is behind the outlet",
                    "author": "Who is the author"}


def stance(choice: str) -> str:
    """``makes``, ``against`` or ``absent``: whether (and which way) a claim is made."""
    if choice in ("named", "unnamed", "none", "makes"):
        return "makes"
    return choice


@record
class Passage:
    article: str
    start: int
    end: int
    quote: str


@record
class Claim:
    id: str
    statement: str
    passages: tuple[Passage, ...] = ()

    def passages_in(self, article: str) -> tuple[Passage, ...]:
        return tuple(p for p in self.passages if p.article == article)


@record
class Citation:
    outlet: str = ""
    date: str = ""
    title: str = ""
    url: str = ""

    def line(self) -> str:
        return " · ".join(p for p in (self.outlet, self.date, self.title, self.url) if p)


@record
class DossierEntry:
    id: str
    kind: str  # fact | outlet | author
    title: str
    outlet: str = ""  # fact: the outlet or institution that says it
    date: str = ""
    url: str = ""
    says: str = ""
    name: str = ""  # outlet / author: whom the entry is about
    articles: tuple[str, ...] = ()
    owner: str = ""
    funding: str = ""
    track_record: str = ""
    sources: tuple[Citation, ...] = ()
    unconfirmed: str = ""

    def citation(self) -> str:
        """Where a fact comes from, on one line: outlet · date · address."""
        return " · ".join(p for p in (self.outlet, self.date, self.url) if p)

    def text(self) -> str:
        """The whole entry as plain text (the dossier view, PDFs, screen readers)."""
        lines = [self.title]
        if self.kind == "fact":
            if self.citation():
                lines.append(self.citation())
            lines.append(self.says)
        else:
            if self.name:
                lines.append(f"Name: {self.name}")
            for label, value in (("Who owns or publishes it", self.owner),
                                 ("Funding", self.funding),
                                 ("Track record", self.track_record)):
                lines.append(f"{label}: {value or 'nothing found in public sources.'}")
            lines += [f"Source: {c.line()}" for c in self.sources]
        if self.unconfirmed:
            lines.append(f"Not confirmed: {self.unconfirmed}")
        return "\n".join(x for x in lines if x)


@record
class CellKey:
    claim: str
    article: str
    support: str
    accept: tuple[str, ...] = ()
    explanation: str = ""


@record
class VerdictKey:
    claim: str
    verdict: str
    backing: tuple[str, ...] = ()
    relevant: tuple[str, ...] = ()
    explanation: str = ""


@record
class CompareKey:
    cells: tuple[CellKey, ...] = ()
    verdicts: tuple[VerdictKey, ...] = ()

    def cell(self, claim: str, article: str) -> CellKey:
        """The key of one cell; a pair with no cell is ``absent``."""
        for c in self.cells:
            if c.claim == claim and c.article == article:
                return c
        return CellKey(claim, article, "absent")

    def verdict(self, claim: str) -> VerdictKey | None:
        return next((v for v in self.verdicts if v.claim == claim), None)


@record
class Comparison:
    articles: tuple[str, ...]
    claims: tuple[Claim, ...]
    dossier: tuple[DossierEntry, ...] = ()
    key: CompareKey | None = None

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def entry(self, entry_id: str) -> DossierEntry | None:
        return next((e for e in self.dossier if e.id == entry_id), None)

    def without_key(self) -> Comparison:
        return replace(self, key=None)


@record
class CellAnswer:
    claim: str
    article: str
    choice: str


@record
class VerdictAnswer:
    claim: str
    verdict: str = ""  # "" = not answered
    backing: tuple[str, ...] = ()


@record
class GridAnswer:
    cells: tuple[CellAnswer, ...] = ()
    verdicts: tuple[VerdictAnswer, ...] = ()
    prefilled: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (claim, article)

    def choice(self, claim: str, article: str) -> str:
        """The student's choice in a cell, "" when unanswered."""
        for c in self.cells:
            if c.claim == claim and c.article == article:
                return c.choice
        return ""

    def verdict(self, claim: str) -> VerdictAnswer:
        return next((v for v in self.verdicts if v.claim == claim), VerdictAnswer(claim))

    def answered(self) -> int:
        return len(self.cells)

    def is_empty(self) -> bool:
        return not self.cells and not any(v.verdict or v.backing for v in self.verdicts)

    def with_choice(self, claim: str, article: str, choice: str) -> GridAnswer:
        """This answer with one cell set ("" clears it); a cell set by hand is no longer
        marked as prefilled."""
        cells = [c for c in self.cells if (c.claim, c.article) != (claim, article)]
        if choice:
            cells.append(CellAnswer(claim, article, choice))
        return replace(self, cells=tuple(cells),
                       prefilled=tuple(p for p in self.prefilled if p != (claim, article)))

    def with_verdict(self, claim: str, verdict: str | None = None,
                     backing: tuple[str, ...] | None = None) -> GridAnswer:
        """This answer with one claim's verdict and/or backing set."""
        old = self.verdict(claim)
        new = VerdictAnswer(claim, old.verdict if verdict is None else verdict,
                            old.backing if backing is None else tuple(backing))
        rest = tuple(v for v in self.verdicts if v.claim != claim)
        keep = new.verdict or new.backing
        return replace(self, verdicts=rest + ((new,) if keep else ()))
