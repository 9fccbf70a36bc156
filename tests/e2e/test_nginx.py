"""docs/nginx/notulist.conf in Debian's nginx: the public build at /, the members build at
/leden/ behind a password, with the site's security headers. Skips only without nginx
(tests/run.sh installs it)."""
from __future__ import annotations

import base64
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from notulist.pipeline import build

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = ROOT / "docs" / "nginx" / "notulist.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MEMBERS_ONLY = """\
---
date: 2023-10-20
title: Besloten overleg
audience: members
attendees:
  - JenV
---
## 1. Begroting {#begroting}

Besproken in beslotenheid.
"""
CREDENTIALS = ("secretariaat", "leden-wachtwoord")
pytestmark = pytest.mark.skipif(not Path(NGINX).is_file() or shutil.which("openssl") is None,
                                reason="nginx or openssl is not installed — tests/run.sh "
                                       "installs both with apt-get")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def openssl(*arguments: str) -> str:
    return subprocess.run(["openssl", *arguments], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """nginx serving both builds of the fixture site; yields (https port, http port, public)."""
    folder = tmp_path_factory.mktemp("nginx")
    site = folder / "site"
    shutil.copytree(ROOT / "tests" / "fixture_site", site)
    (site / "content" / "lrt" / "2023-10-20.md").write_text(MEMBERS_ONLY, encoding="utf-8")
    public, members = folder / "public", folder / "members"
    build(site / "config.toml", output=public, audience="public", cache=False)
    build(site / "config.toml", output=members, audience="members", cache=False)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=localhost", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"))
    hashed = openssl("passwd", "-apr1", CREDENTIALS[1]).strip()
    (folder / "htpasswd").write_text(f"{CREDENTIALS[0]}:{hashed}\n", encoding="utf-8")
    https_port, http_port = free_port(), free_port()
    rendered = render(CONFIGURATION.read_text(encoding="utf-8"), {
        "SERVER_NAME": "localhost", "HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "HTTPS_LISTEN": f"127.0.0.1:{https_port}", "CERTIFICATE": folder / "cert.pem",
        "CERTIFICATE_KEY": folder / "key.pem", "PUBLIC_ROOT": public,
        "MEMBERS_ROOT": members, "HTPASSWD": folder / "htpasswd"})
    (folder / "notulist.conf").write_text(rendered, encoding="utf-8")
    (folder / "nginx.conf").write_text(main_configuration(folder), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(https_port, process, folder)
        yield https_port, http_port, public
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def render(text: str, values: dict) -> str:
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    assert "@" not in "".join(line.split("#")[0] for line in text.splitlines()), \
        "a placeholder of notulist.conf was left unset"
    return text


def main_configuration(folder: Path) -> str:
    """What /etc/nginx/nginx.conf gives a site file, with every path inside the test folder."""
    # As root, workers would run as nobody, who cannot read pytest's private temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return user + f"""daemon off;
master_process on;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/notulist.conf;
}}
"""


def wait_for(port: int, process: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
            pytest.fail(f"nginx stopped: {process.stdout.read().decode()}{log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("nginx did not start listening within 10 s")


def fetch(port: int, path: str, credentials: tuple[str, str] | None = None,
          secure: bool = True) -> tuple[int, dict[str, str], bytes]:
    if secure:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": "localhost"}
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        connection.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in ("href", "src") and value]


def test_the_public_site_answers_with_the_security_headers(server):
    port, _, _ = server
    status, headers, body = fetch(port, "/")
    assert status == 200 and b"Fixture archive" in body
    assert "'wasm-unsafe-eval'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "x-robots-tag" not in headers and "cache-control" not in headers
    assert fetch(port, "/robots.txt")[0] == 200


def test_the_members_site_needs_credentials(server):
    port, _, _ = server
    status, headers, _ = fetch(port, "/leden/")
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    assert fetch(port, "/leden/lrt/2023-10-20/")[0] == 401
    assert fetch(port, "/leden/", ("secretariaat", "wrong"))[0] == 401
    assert fetch(port, "/leden")[0] == 301


def test_members_pages_answer_with_credentials_and_are_never_indexed(server):
    port, _, _ = server
    status, headers, body = fetch(port, "/leden/lrt/2023-10-20/", CREDENTIALS)
    assert status == 200 and b"Besloten overleg" in body
    assert headers["x-robots-tag"] == "noindex, nofollow"
    assert headers["cache-control"] == "private, no-cache"
    assert "'wasm-unsafe-eval'" in headers["content-security-policy"]
    assert fetch(port, "/leden/", CREDENTIALS)[1]["x-robots-tag"] == "noindex, nofollow"
    assert fetch(port, "/leden/")[1]["x-robots-tag"] == "noindex, nofollow"
    assert fetch(port, "/lrt/2023-10-20/")[0] == 404


def test_no_public_page_links_into_the_members_site(server):
    port, _, public = server
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        url = "https://localhost/" + page.relative_to(public).as_posix()
        links = Links()
        links.feed(page.read_text(encoding="utf-8"))
        for target in links.targets:
            resolved = urlsplit(urljoin(url, target))
            assert not resolved.path.startswith("/leden"), f"{page}: links to {target}"
    assert fetch(port, "/lrt/2023-07-10/")[0] == 200


def test_missing_pages_get_the_404_page_and_folders_no_listing(server):
    port, _, public = server
    status, _, body = fetch(port, "/no/such/page/")
    assert status == 404 and body == (public / "404.html").read_bytes()
    status, _, body = fetch(port, "/leden/no/such/page/", CREDENTIALS)
    assert status == 404 and b"<html" in body
    status, _, body = fetch(port, "/assets/")
    assert status in (403, 404) and b"Index of" not in body
    (public / ".secret").write_text("kept by hand", encoding="utf-8")
    assert fetch(port, "/.secret")[0] == 404


def test_plain_http_is_sent_to_https(server):
    _, http_port, _ = server
    status, headers, _ = fetch(http_port, "/lrt/", secure=False)
    assert status == 301 and headers["location"] == "https://localhost/lrt/"
