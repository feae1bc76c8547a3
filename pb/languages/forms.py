"""Forms for the council's languages and for content in several languages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Length, ValidationError

from pb.i18n import SOURCE_LOCALE, language_name


class LanguagesForm(FlaskForm):
    """Which languages the council's site offers (of those pb has catalogs for), and its
    default. British English is always offered: it is the language the catalogs come from."""

    languages = SelectMultipleField(
        _l("Languages the site offers"),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    default_locale = SelectField(
        _l("Default language"),
        description=_l(
            "For readers whose browser asks for none of the languages offered. Pots and "
            "proposals are written in it; their other languages are added as translations."
        ),
    )

    def __init__(self, available: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(code, language_name(code)) for code in available]
        self.languages.choices = choices
        self.default_locale.choices = choices

    def validate_languages(self, field):
        field.data = [code for code in field.data or [] if code in dict(field.choices)]
        if SOURCE_LOCALE not in field.data:
            field.data.insert(0, SOURCE_LOCALE)

    def validate_default_locale(self, field):
        if field.data not in (self.languages.data or []):
            raise ValidationError(_l("Choose a default language from those the site offers."))


def translation_form(locales: list[str], fields: dict[str, tuple[object, int]], data: dict):
    """A form with one text box per language and field ("cy-name"...), prefilled from `data`
    ({locale: {field: text}}); `fields` gives each field's label and longest length."""

    class TranslationsForm(FlaskForm):
        pass

    for code in locales:
        for name, (label, longest) in fields.items():
            kind = TextAreaField if longest > 300 else StringField
            message = _l("Keep this to %(n)s characters or fewer.", n=longest)
            setattr(
                TranslationsForm,
                f"{code}__{name}",
                kind(
                    _l("%(field)s in %(language)s", field=label, language=language_name(code)),
                    validators=[Length(max=longest, message=message)],
                    default=(data.get(code) or {}).get(name, ""),
                    render_kw={"lang": code.replace("_", "-")},
                ),
            )
    return TranslationsForm()


def translations_from(form, locales: list[str], fields) -> dict[str, dict[str, str]]:
    """The submitted text, as {locale: {field: text}}."""
    return {code: {name: form[f"{code}__{name}"].data or "" for name in fields} for code in locales}
