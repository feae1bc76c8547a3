import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError


class PostcodeUploadForm(FlaskForm):
    file = FileField(
        _l("Postcode list (CSV file)"),
        description=_l(
            "In the layout of the ONS postcode directory: a header row, a postcode "
            "column (pcds, pcd, pcd2 or postcode) and a ward code column (osward, "
            "ward_code or ward). Other columns are ignored. Up to 5 MB."
        ),
        validators=[FileRequired(_l("Choose the CSV file of postcodes."))],
    )


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: the file itself stays on the server."""


class CouncilIdentityForm(FlaskForm):
    """The council's name, colour, website and logo, as residents see them in the header."""

    name = StringField(
        _l("Council name"),
        validators=[InputRequired(_l("Enter the council\u2019s name.")), Length(max=200)],
    )
    colour = StringField(
        _l("Colour"),
        description=_l(
            "The header's background, as # and six hexadecimal digits, for example #1d4f91. "
            "White text must be readable on it."
        ),
    )
    website_url = StringField(
        _l("The council's own website"),
        description=_l("For example https://www.example.gov.uk. Leave empty for none."),
        validators=[Optional(), Length(max=300)],
    )
    logo = FileField(
        _l("Logo (PNG or JPEG image)"),
        description=_l(
            "Up to 2 MB; it is scaled to fit 400 by 160 pixels. Leave empty to keep the "
            "current logo."
        ),
    )
    remove_logo = BooleanField(_l("Remove the current logo"))

    def validate_colour(self, field):
        from pb.councils.identity import text_contrast_ok, valid_colour

        given = (field.data or "").strip()
        if not given:
            field.data = None
            return
        colour = valid_colour(given)
        if colour is None:
            raise ValidationError(
                _(
                    "“%(value)s” is not a colour: enter # and six hexadecimal digits, "
                    "for example #1d4f91.",
                    value=given[:20],
                )
            )
        if not text_contrast_ok(colour):
            raise ValidationError(
                _(
                    "White text is hard to read on %(value)s: choose a darker colour.",
                    value=colour,
                )
            )
        field.data = colour

    def validate_website_url(self, field):
        given = (field.data or "").strip()
        field.data = given or None
        if given and not re.match(r"^https?://[^\s/<>\"']+\.[^\s<>\"']+$", given):
            raise ValidationError(
                _(
                    "“%(value)s” is not a web address: it should start with https://.",
                    value=given[:60],
                )
            )
