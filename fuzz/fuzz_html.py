"""atheris harness for the HTML ingest: any bytes as a web page give a ``Document`` or an
``InputError``, never another exception, and a document's text is non-empty, within the size limit
and made of trimmed lines.

    python fuzz/fuzz_html.py -max_total_time=60 fuzz/corpus/html            # adds finds to the corpus
    python fuzz/fuzz_html.py -max_total_time=60 WORK_DIR fuzz/corpus/html   # keeps the seeds as they are

Any libFuzzer option works (``-runs``, ``-max_len``, ``-artifact_prefix`` ...); ``make fuzz`` runs both
harnesses for ``FUZZ_SECONDS``. A crash writes the input to ``crash-*`` (or ``-artifact_prefix``):
run the harness on that file alone to see the traceback.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["raqib", "trafilatura", "htmldate", "justext", "courlan"]):
    from raqib.errors import InputError
    from raqib.ingest import document_from_html
    from raqib.ingest.text import MAX_TEXT_CHARS


def check_document(data: bytes) -> None:
    """One input: the page as bytes (the declared or sniffed charset) and, when it decodes, as text."""
    pages: list[str | bytes] = [data]
    try:
        pages.append(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    for page in pages:
        try:
            doc = document_from_html(page, "fuzz.html", url="https://fuzz.example/news/2019/05/03/1")
        except InputError as err:
            assert err.origin == "fuzz.html" and err.problem, err
            continue
        assert doc.text.strip() and len(doc.text) <= MAX_TEXT_CHARS, len(doc.text)
        assert all(line and line == line.strip() for line in doc.text.split("\n")), doc.text


def main(argv: list[str]) -> None:
    atheris.Setup(argv, check_document)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
