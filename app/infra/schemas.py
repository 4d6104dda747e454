"""Request bodies read through marshmallow schemas (as Flask-AppBuilder's own APIs do), with the
fields the journal's doors need: the API's JSON and the pages' forms send the same values
differently (a number or its digits, an empty string for "not given"), and both are read alike.

`load` answers a refused body the way the portal answers any refusal: a DomainError with the
first field's message in the user's language — BadInput (400) for a value that cannot be read,
Refused (422) for a readable value outside a rule's range — and every field's messages under
`errors`, so a client can mark the fields."""
from datetime import date, datetime

from flask_babel import gettext as _, lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, validate

from ..errors import BadInput, Refused


class RuleText(str):
    """A field's message that is a rule's refusal (answered 422), not a malformed value."""


class Body(Schema):
    """A request body: unknown keys are ignored (a form also posts its button and token)."""
    error_messages = {"type": _l("Ожидается JSON-объект.")}

    class Meta:
        unknown = EXCLUDE


def load(schema: Schema, data, partial: bool = False) -> dict:
    """`data` read through `schema`, or the DomainError that refuses it (module docstring)."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        first = _first(exc.messages)
        kind = Refused if isinstance(first, RuleText) else BadInput
        raise kind(str(first), payload={"errors": _texts(exc.messages)}) from None


def _first(messages):
    """The first message in the schema's field order (the order the hand parsers checked)."""
    while isinstance(messages, (dict, list)):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages))
    return messages


def _texts(messages):
    """Messages as JSON: each field's list of texts (translated), list positions as keys."""
    if isinstance(messages, dict):
        return {str(key): _texts(value) for key, value in messages.items()}
    return [str(message) for message in (messages if isinstance(messages, list)
                                         else [messages])]


class Within(validate.Range):
    """A range of a rule (4.6: pairs 1-8): outside it the value is refused with 422, in the
    words "<name>: допустимо от <low> до <high>."."""
    def __init__(self, name, low: int, high: int):
        super().__init__(min=low, max=high)
        self.name = name

    def __call__(self, value):
        if value is not None and not self.min <= value <= self.max:
            raise ValidationError(RuleText(_("%(name)s: допустимо от %(low)s до %(high)s.",
                                             name=self.name, low=self.min, high=self.max)))
        return value


def _messages(text, *keys) -> dict:
    return {key: text for key in keys}


class Whole(fields.Integer):
    """An integer as int() reads it — a number or its digits — named `name` in the messages.
    `blank`: None, "", 0 and "0" mean "not given" (a form's empty select) and load as None."""
    BLANK = (None, "", 0, "0")

    def __init__(self, name, low: int, high: int, blank: bool = False, **kwargs):
        self.blank = blank
        bad = _l("%(name)s: ожидается целое число.", name=name)
        super().__init__(validate=Within(name, low, high), allow_none=blank,
                         error_messages=_messages(bad, "invalid", "null", "too_large"),
                         **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if self.blank and value is not missing and value in self.BLANK:
            return None
        return super().deserialize(value, attr, data, **kwargs)


class _Empty:
    """A field where an empty value (None, "", 0, false, [], {}) stands for `empty`, as the
    forms and the grid's script send "nothing chosen"."""
    def __init__(self, *args, empty=None, **kwargs):
        self.empty = empty
        super().__init__(*args, allow_none=True, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is not missing and not value:
            return self.empty
        return super().deserialize(value, attr, data, **kwargs)


class Choice(_Empty, fields.String):
    """One of `choices`; anything else is malformed (`message`)."""
    def __init__(self, choices, message, **kwargs):
        self.choices = tuple(choices)
        super().__init__(error_messages={"invalid": message},
                         metadata={"enum": list(self.choices)}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value not in self.choices:
            raise self.make_error("invalid")
        return value


class Text(_Empty, fields.String):
    """A text of at most `most` characters, stripped; a non-text is malformed (`message`), or
    with `loose` read as no text (a reason that is not a text gives no reason)."""
    def __init__(self, most: int | None = None, message=None, loose: bool = False, **kwargs):
        self.most, self.loose = most, loose
        messages = {} if message is None else {"invalid": message}  # a lazy text: no bool()
        super().__init__(empty="", error_messages=messages, **kwargs)
        if most is not None:
            self.metadata.setdefault("maxLength", most)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            if self.loose:
                return ""
            raise self.make_error("invalid")
        value = value.strip()
        if self.most is not None and len(value) > self.most:
            raise self.make_error("invalid")
        return value


class Flag(_Empty, fields.Boolean):
    """Yes or no, never refused: `yes` are the values meaning yes (a checkbox's "on", the
    script's true), or any non-empty value when `yes` is None."""
    def __init__(self, yes: tuple | None = None, **kwargs):
        self.yes = yes
        super().__init__(empty=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return value in self.yes if self.yes is not None else bool(value)


class Items(fields.List):
    """A list of `least`..`most` items, counted before the items are read (a batch too long is
    refused whole); `message` refuses a non-list or a wrong count, `too_long` a long one.
    `empty`: what an empty value (None, "", …) stands for; without it, it is refused."""
    def __init__(self, inner, most: int, message, too_long=None, least: int = 0,
                 empty: list | None = None, **kwargs):
        self.least, self.most, self.empty = least, most, empty
        messages = _messages(message, "invalid", "null", "required", "too_long")
        if too_long is not None:
            messages["too_long"] = too_long
        super().__init__(inner, validate=validate.Length(min=least, max=most),
                         error_messages=messages, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if self.empty is not None and value is not missing and not value:
            return list(self.empty)
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or len(value) < self.least:
            raise self.make_error("invalid")
        if len(value) > self.most:
            raise self.make_error("too_long")
        return super()._deserialize(value, attr, data, **kwargs)


class Version(_Empty, fields.Integer):
    """A row's version as the writer saw it: a whole number from 0 (an empty value is 0, a
    new row); `message` refuses anything else."""
    def __init__(self, message, **kwargs):
        super().__init__(strict=True, empty=0, validate=validate.Range(min=0, error=message),
                         error_messages=_messages(message, "invalid", "too_large"), **kwargs)


class Object(fields.Nested):
    """A nested object; `message` refuses a value that is not one."""
    def __init__(self, schema, message, **kwargs):
        super().__init__(schema, error_messages={"type": message}, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            raise self.make_error("type")
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


class RowId(fields.Integer):
    """A database id in a body: a positive 32-bit integer or its digits; `message` refuses
    anything else, a missing one included."""
    def __init__(self, message, **kwargs):
        super().__init__(required=True, validate=validate.Range(min=1, max=2**31 - 1,
                                                                error=message),
                         error_messages=_messages(message, "invalid", "null", "required"),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.isdigit():
            try:
                return int(value)
            except ValueError:  # a digit int() does not read ("²")
                raise self.make_error("invalid") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class LessonDate(_Empty, fields.Date):
    """A day as yyyy-mm-dd (the date input, the API) or dd.mm.yyyy (typed by hand)."""
    FORMATS = ("%Y-%m-%d", "%d.%m.%Y")

    def __init__(self, message, **kwargs):
        super().__init__(error_messages={"invalid": message}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, date):
            return value
        for fmt in self.FORMATS if isinstance(value, str) else ():
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
        raise self.make_error("invalid")
