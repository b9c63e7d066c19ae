"""The registry's interface text, one data file per language in `languages/`.

`org/organization.yaml` chooses the languages (`registry.languages`, or the older single
`registry.language`). Record text (names, purposes) is shown as written, or in a record's own
`translations`; only the words around it come from here. Adding a language is one file,
`languages/<code>.yaml`, with the same keys as `en.yaml`; a test keeps every file complete.

A text that depends on a number is a mapping from CLDR plural category (`one`, `other`, and in
some languages `few`, `many`, ...) to text. Babel knows each language's CLDR rules, so "1
account" and "2 accounts" come out right in every language; the browser scripts pick the same
category with `Intl.PluralRules`, which implements the same rules.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

import yaml
from babel import Locale
from babel.numbers import format_decimal

Text = str | dict[str, str]


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str  # the language's name in itself: English, svenska, suomi
    strings: dict[str, Text]


# PyYAML's C loader where it is built (it reads these files five times faster), else its own.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LanguageFileError(Exception):
    """A file in languages/ is broken; said in one line naming the file."""


def _read(name: str, text: str) -> Language:
    data = yaml.load(text, Loader=_SAFE_LOADER)
    try:
        about, strings = data["language"], data["strings"]
        code, own_name = str(about["code"]), str(about["name"])
    except (TypeError, KeyError) as error:
        raise LanguageFileError(
            f"languages/{name} needs `language: {{code, name}}` and `strings`"
        ) from error
    if f"{code}.yaml" != name:
        raise LanguageFileError(f"languages/{name} says it is `{code}`; name the file {code}.yaml")
    return Language(code, own_name, cast(dict[str, Text], strings))


@functools.cache
@functools.cache
def languages() -> dict[str, Language]:
    """Every shipped language, by code (read once: every page renderer asks)."""
    folder = resources.files("socialreg.registry_site") / "languages"
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            language = _read(entry.name, entry.read_text(encoding="utf-8"))
            found[language.code] = language
    return dict(sorted(found.items()))


LANGUAGES: tuple[str, ...] = tuple(languages())
STRINGS: Mapping[str, Mapping[str, Text]] = {
    code: language.strings for code, language in languages().items()
}


@functools.cache
def _plural_rule(code: str) -> Any:
    return Locale.parse(code).plural_form


class Translator:
    """The interface text of one language: `t("key", name=value)`, `t.plural("key", n)`."""

    def __init__(self, language: str) -> None:
        known = languages()
        self.language = language if language in known else "en"
        self.name = known[self.language].name
        self._strings = known[self.language].strings

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings[key]
        if not isinstance(text, str):
            raise KeyError(f"{key} depends on a number: use plural()")
        return text.format(**values) if values else text

    def number(self, value: int) -> str:
        """10000 -> "10,000" in English, "10 000" (no-break space) in Swedish and Finnish."""
        return str(format_decimal(value, locale=self.language))

    def plural(self, key: str, count: int, **values: object) -> str:
        """The text of `key` in the plural form for `count`; numbers are formatted here."""
        forms = self._strings[key]
        if isinstance(forms, str):
            raise KeyError(f"{key} does not depend on a number: use t({key!r})")
        form = _plural_rule(self.language)(count)
        text = forms.get(form, forms["other"])
        shown = {
            name: self.number(value) if isinstance(value, int) else value
            for name, value in values.items()
        }
        return text.format(**shown)

    def status(self, status: str) -> str:
        text = self._strings.get(f"status_{status}", status)
        return text if isinstance(text, str) else status

    def filled(self, **values: str) -> dict[str, str]:
        """Every plain string with the given {placeholders} filled and the others left open.

        Pages rendered thousands of times read these instead of calling the translator, and
        fill a per-record placeholder with `|replace("{date}", ...)`.
        """
        filled = {}
        for key, text in self._strings.items():
            if not isinstance(text, str):
                continue
            for name, value in values.items():
                text = text.replace("{" + name + "}", value)
            filled[key] = text
        return filled

    def script_strings(self) -> dict[str, Text]:
        """The strings the browser scripts need, with their {placeholders} left in."""
        keys = (
            "count_all",
            "count_first",
            "count_matches",
            "count_none",
            "count_limited",
            "show_more",
            "search_loading",
            "search_failed",
            "verify_empty",
            "verify_official",
            "verify_archived",
            "verify_not_found",
            "verify_requested",
            "verify_match",
        )
        return {key: self._strings[key] for key in keys}
