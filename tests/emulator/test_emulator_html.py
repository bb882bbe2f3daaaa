"""The HTML parse mode parser: Telegram's (tdlib's) error messages, text and entities."""

from __future__ import annotations

from typing import Any

import pytest

from berdaya_sandbox.emulator.html import HtmlParseError, parse_html, strip_text

# Error texts from tdlib's own tests (the byte offsets count UTF-8 bytes: 🏟 is 4).
REJECTED = [
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
    ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("harga < 5 juta", 'Unsupported start tag "" at byte offset 6'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
    ("<b>Rp3.000.000", 'Can\'t find end tag corresponding to start tag "b"'),
    ("Usaha <b>jahit <i>baju</b></i>", "Unmatched end tag at byte offset 22"),
]


@pytest.mark.parametrize(("html", "error"), REJECTED)
def test_rejected_like_telegram(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert str(caught.value).startswith(error)


@pytest.mark.parametrize("html", ["Tom & Jerry", "&nbsp;", "&copy 2024", "a &#0; b"])
def test_strict_mode_rejects_ampersands_that_are_not_entities(html: str) -> None:
    with pytest.raises(HtmlParseError, match='Character "&" at byte offset'):
        parse_html(html)
    # Telegram itself shows them literally; strict_ampersand=False does the same.
    assert parse_html(html, strict_ampersand=False).text == html


def describe(entities: list[dict[str, Any]]) -> list[str]:
    out = []
    for e in entities:
        extra = e.get("url") or e.get("language") or e.get("custom_emoji_id") or ""
        out.append(f"{e['type']} {e['offset']}+{e['length']} {extra}".strip())
    return out


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("&lt;&gt;&amp;&quot;", '<>&"', []),
        ("&lt&gt", "<>", []),
        ("&#65;&#x42;&#67", "ABC", []),
        ("a > b", "a > b", []),
        ("<b>a<i>b</i></b>", "ab", ["bold 0+2", "italic 1+1"]),
        ("<B>x</B>", "x", ["bold 0+1"]),
        (
            "<strong>a</strong><em>b</em><u>c</u><ins>d</ins>",
            "abcd",
            ["bold 0+1", "italic 1+1", "underline 2+1", "underline 3+1"],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            ["strikethrough 0+1", "strikethrough 1+1", "strikethrough 2+1"],
        ),
        (
            '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>',
            "ab",
            ["spoiler 0+1", "spoiler 1+1"],
        ),
        (
            '<a href="https://lapor.go.id">LAPOR!</a>',
            "LAPOR!",
            ["text_link 0+6 https://lapor.go.id"],
        ),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", ["pre 0+5 python"]),
        ("<pre>a</pre><code>b</code>", "ab", ["pre 0+1", "code 1+1"]),
        (
            "<blockquote>q</blockquote><blockquote expandable>e</blockquote>",
            "qe",
            ["blockquote 0+1", "expandable_blockquote 1+1"],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            ["custom_emoji 0+2 5368324170671202286"],
        ),
        ("😀<b>😀</b>", "😀😀", ["bold 2+2"]),
        ("<i>a</>", "a", ["italic 0+1"]),
        ("<b></b>x", "x", []),
    ],
)
def test_accepted(html: str, text: str, entities: list[str]) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    assert describe(parsed.entities) == entities


def test_strip_moves_entities() -> None:
    parsed = parse_html("\n  <b>Halo</b> dunia  \n")
    stripped = strip_text(parsed.text, parsed.entities)
    assert stripped.text == "Halo dunia"
    assert describe(stripped.entities) == ["bold 0+4"]
