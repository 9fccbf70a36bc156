"""Stage 2, model: one source file becomes a frozen Meeting or Page (records.py), its Markdown
sanitised HTML with placeholders for what the link stage decides later (markup.py). Pure:
the same file always gives the same record, so it can be cached by its content hash.

May import: load's types (Config, Source, front matter), the common leaves."""
