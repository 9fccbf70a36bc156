"""Stage 4, render: page plans (plans.py: a template, a language, plain values), then HTML
through Jinja2 (templates.py), open data and feeds. Pure: returns {output path: bytes} and
touches no disk; the templates' sources come from load.

May import: link, model, load's types, the common leaves. Never write, incremental or load's
file access."""
