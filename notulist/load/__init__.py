"""Stage 1, load: read the site folder (config.toml, content/, static/, templates/) into plain
values, remembering where each came from. The only stage that reads the site's files.

May import: the common leaves (problems, i18n, urls, digests). Nothing of the later stages."""
