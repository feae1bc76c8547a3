"""Markup assertions that outlive a change of design system.

`markup(page)` drops class attributes and the stacked tables' column labels (data-label), so a
test can keep asserting on the structure and words it cares about (`<label for="year">Year`,
`<dt>New postcodes</dt><dd>2</dd>`) without pinning GOV.UK Frontend's class names.
"""

import re

_ATTRS = re.compile(r'\s(?:class|data-label)="[^"]*"')


def markup(page: str) -> str:
    return _ATTRS.sub("", page)
