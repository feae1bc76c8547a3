from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


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
