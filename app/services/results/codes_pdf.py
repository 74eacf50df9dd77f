"""The class sheet of class codes: one slip per student, to cut apart and hand out."""

from __future__ import annotations

import os
from collections.abc import Sequence

from app.services.results.pdfdoc import GREY, RULE, SchoolPDF

SLIP_H = 27.0  # mm: ten slips a page


def write_sheet(path: str | os.PathLike[str], students: Sequence[tuple[str, str]],
                title: str = "Class codes") -> None:
    pdf = SchoolPDF("Class codes", title)
    pdf.title_block(title, "Cut along the lines and give each student their own slip. "
                           "Keep this sheet: it is the only copy of the codes.")
    for name, code in students:
        if pdf.get_y() + SLIP_H > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=1.5, gap=1.2)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_dash_pattern()
        pdf.set_xy(pdf.l_margin + 2, y + 3)
        pdf.set_font("sans", "B", 12)
        pdf.cell(pdf.epw * 0.55, 7, pdf.printable(name)[:60])
        pdf.set_font("sans", "B", 16)
        pdf.cell(pdf.epw * 0.45 - 4, 7, code, align="R")
        pdf.set_xy(pdf.l_margin + 2, y + 12)
        pdf.set_font("sans", "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(pdf.epw - 4, 4.2,
                       "Close Reader › File › Enter my class code… — type it once on the "
                       "computer you use. It shows your teacher that your answers are yours. "
                       "Do not share it.")
        pdf.set_text_color(25, 25, 25)
        pdf.set_y(y + SLIP_H)
    pdf.set_draw_color(*RULE)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_dash_pattern()
    pdf.save(path)  # atomically, never over a database or a device (app.core.outpaths)
