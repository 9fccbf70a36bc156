"""`build.py import`: old Word, PDF and text minutes -> draft meeting files and a review report.

readers (read_docx, read_pdf, lines) -> document.Document of neutral blocks -> recognise ->
Draft (front matter + Markdown body + notes) -> run writes it and checks it -> report."""
