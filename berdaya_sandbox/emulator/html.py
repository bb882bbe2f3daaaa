"""Telegram's HTML parse mode, parsed the way the Bot API server (tdlib's ``parse_html``) does.

The error messages and byte offsets follow tdlib, so a bot that builds bad markup fails here with
the same "can't parse entities: ..." text it would get from Telegram. One deliberate difference:
in strict mode (the default) a ``&`` that does not start one of the entities Telegram decodes is
an error. Telegram would show it literally, which is how a forgotten ``html.escape`` slips
through to users; the emulator would rather fail the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

# tag -> Bot API entity type, for the tags whose entity needs no argument.
_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")
_END = "\0"


class HtmlParseError(ValueError):
    """Markup Telegram would reject; ``str(err)`` is the text after "can't parse entities: "."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text and its Bot API entities (offsets and lengths in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    argument: str
    byte_offset: int
    utf16_start: int
    out_start: int


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(html: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``html[pos] == '&'`` like tdlib: the four named
    entities and numeric ones, with or without ``;``. Returns (character, next position)."""
    size = len(html)
    end = pos + 1
    if end < size and html[end] == "#":
        end += 1
        code = 0
        if end < size and html[end] == "x":
            end += 1
            while end < size and html[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(html[end], 16)
                end += 1
        else:
            while end < size and html[end].isascii() and html[end].isdigit():
                code = code * 10 + int(html[end])
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= code <= 0xDFFF:
            # tdlib refuses these outright rather than showing them literally.
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            )
        char = chr(code)
    else:
        while end < size and html[end].isascii() and html[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(html[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < size and html[end] == ";":
        end += 1
    return char, end


class _Parser:
    def __init__(self, html: str, strict_ampersand: bool) -> None:
        self.html = html
        self.strict = strict_ampersand
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.open: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, index: int) -> str:
        # tdlib works on a NUL-terminated buffer; a NUL sentinel keeps the same control flow.
        return self.html[index] if index < len(self.html) else _END

    def byte_offset(self, index: int) -> int:
        return len(self.html[:index].encode("utf-8"))

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def run(self) -> ParsedText:
        size = len(self.html)
        while self.pos < size:
            char = self.html[self.pos]
            if char == "&":
                decoded = _decode_entity(self.html, self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                if self.strict:
                    raise HtmlParseError(
                        f'Character "&" at byte offset {self.byte_offset(self.pos)} does not '
                        'start an HTML entity; escape it as "&amp;" (the emulator is stricter '
                        "than Telegram, which would show it literally)"
                    )
            if char != "<":
                self.emit(char)
                self.pos += 1
                continue
            if self.at(self.pos + 1) == "/":
                self.close_tag()
            else:
                self.open_tag()
        if self.open:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return ParsedText("".join(self.out), self.entities)

    def open_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) not in ">" + _END:
            i += 1
        if self.at(i) == _END:
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        name = self.html[begin + 1 : i].lower()
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        argument = ""
        while self.at(i) != ">":
            while self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            if self.at(i) == _END:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {offset}')
            attr_begin = i
            while self.at(i) not in _SPACES and self.at(i) not in "=>" + _END:
                i += 1
            attr = self.html[attr_begin:i].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {offset}'
                )
            while self.at(i) in _SPACES:
                i += 1
            if self.at(i) != "=":
                # A bare attribute; only <blockquote expandable> gives it meaning.
                if name == "blockquote" and attr == "expandable":
                    argument = "1"
                continue
            i += 1
            while self.at(i) in _SPACES:
                i += 1
            if self.at(i) == _END:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {offset}')
            value, i = self.attribute_value(i, offset)
            if self.at(i) == _END:
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
            argument = _tag_argument(name, attr, value, argument)
        if name == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if name == "tg-emoji" and not (
            argument.isascii() and argument.isdigit() and 0 < int(argument) < 2**63
        ):
            raise HtmlParseError("Invalid custom emoji identifier specified")
        self.open.append(_OpenTag(name, argument, offset, self.utf16, len(self.out)))
        self.pos = i + 1

    def attribute_value(self, i: int, tag_offset: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            # An unquoted name token: letters, digits, periods and hyphens, case-insensitive.
            begin = i
            while self.at(i).isascii() and (self.at(i).isalnum() or self.at(i) in ".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(begin)}"
                )
            return self.html[begin:i].lower(), i
        i += 1
        value: list[str] = []
        while self.at(i) not in (quote, _END):
            if self.at(i) == "&":
                decoded = _decode_entity(self.html, i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(self.html[i])
            i += 1
        if self.at(i) != quote:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        return "".join(value), i + 1

    def close_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        if not self.open:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) not in ">" + _END:
            i += 1
        end_name = self.html[begin + 2 : i].lower()
        while self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        tag = self.open.pop()
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        self.pos = i + 1
        self.add_entity(tag)

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.utf16_start
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": tag.utf16_start, "length": length}
        if tag.name in _SIMPLE_ENTITY:
            entity["type"] = _SIMPLE_ENTITY[tag.name]
            if tag.name == "code" and tag.argument:
                # Kept until the enclosing <pre> closes: <pre><code class="language-x"> is one
                # pre entity with a language. Dropped from plain code entities at the end.
                entity["language"] = tag.argument
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_start :])
            has_scheme = url.startswith(("http://", "https://", "tg://", "mailto:"))
            if not has_scheme and ("." not in url or any(c in _SPACES for c in url)):
                return  # Telegram silently drops links it cannot make a URL of.
            entity["type"] = "text_link"
            entity["url"] = url
        elif tag.name == "pre":
            entity["type"] = "pre"
            for inner in self.entities:
                same_span = inner["offset"] == tag.utf16_start and inner["length"] == length
                if inner["type"] == "code" and same_span and inner.get("language"):
                    entity["language"] = inner["language"]
                    self.entities.remove(inner)
                    break
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        else:  # tg-emoji
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = tag.argument
        self.entities.append(entity)


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The one attribute each tag cares about, as tdlib picks it; others are ignored."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def parse_html(html: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram-flavoured HTML into plain text and entities.

    Raises HtmlParseError with tdlib's wording when Telegram would refuse the markup.
    """
    return _Parser(html, strict_ampersand).run()


def strip_text(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Trim surrounding whitespace as Telegram does before storing a message, moving the entities
    with the text and dropping those left empty."""
    stripped = text.strip()
    if stripped == text:
        return ParsedText(text, entities)
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(int(entity["offset"]) - lead, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, kept)
