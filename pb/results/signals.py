"""Sent once a publication (or a correction) is committed, for higher layers to act on.

The audit package is built by pb.audit (which reads everything, so sits above results); it
listens here rather than results importing it.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; keyword `pot`: the pot whose results were just published.
published = _signals.signal("results-published")
