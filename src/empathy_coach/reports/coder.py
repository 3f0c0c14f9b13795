"""Coder agreement as plain text for the terminal and CI logs."""

from __future__ import annotations

from empathy_coach.scoring.coder.evaluate import Agreement, confusion_lines


def agreement_text(result: Agreement) -> str:
    sc = "n/a" if result.simple_complex_kappa is None else f"{result.simple_complex_kappa:.3f}"
    lines = [
        f"Records: {result.n}",
        f"Accuracy (12 codes): {result.accuracy:.3f}",
        f"Cohen's kappa, 12 codes: {result.kappa:.3f}",
        f"Cohen's kappa, 4 classes (reflection, question, input, other): {result.kappa4:.3f}",
        f"Cohen's kappa, simple vs complex (where both coded a reflection): {sc}",
        "",
        "Confusion (rows: your codes; columns: the coder's):",
        *confusion_lines(result),
        "",
        f"{'code':<26} {'support':>7} {'precision':>9} {'recall':>7}",
    ]
    for code, row in result.per_code.items():
        lines.append(f"{code:<26} {row['support']:>7} {row['precision']:>9.3f} {row['recall']:>7.3f}")
    return "\n".join(lines)
