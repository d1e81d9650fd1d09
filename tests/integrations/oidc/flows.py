"""Walking through the provider's pages with an HTTP client, as a person would."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import requests

_FORM = re.compile(r'<form method="post" action="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def provider_sign_in(
    browser: requests.Session, url: str, username: str, password: str, back_to: str
) -> str:
    """Follows ``url`` (an authorize URL) through the login form until the provider
    redirects to ``back_to``; returns that URL (our callback with code and state)."""
    posted = False
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(back_to):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
        match = _FORM.search(response.text)
        assert match, f"no form at {url}: {response.status_code}"
        action = urljoin(url, html.unescape(match.group(1)))
        if "/interaction/" in action:  # the login form
            assert not posted, "the provider asked for the password twice"
            data, posted = {"username": username, "password": password}, True
        else:  # a page a browser submits by itself (e.g. switching accounts)
            data = {k: html.unescape(v) for k, v in _HIDDEN.findall(response.text)}
        post = browser.post(action, data=data, allow_redirects=False, timeout=10)
        assert post.is_redirect, f"provider refused the form: {post.status_code}"
        url = urljoin(action, post.headers["Location"])
        if url.startswith(back_to):
            return url
    raise AssertionError("the provider never redirected back")


def provider_sign_out(browser: requests.Session, url: str) -> requests.Response:
    """Confirms the provider's end_session page (its form) and returns the last response."""
    page = browser.get(url, timeout=10)
    match = _FORM.search(page.text) or re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert match, page.text[:500]
    fields = dict(_HIDDEN.findall(page.text)) | {"logout": "yes"}
    return browser.post(
        urljoin(page.url, html.unescape(match.group(1))),
        data=fields,
        allow_redirects=False,
        timeout=10,
    )
