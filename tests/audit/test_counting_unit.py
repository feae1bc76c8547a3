"""The verifier works out the counting unit on its own (it must not trust the app's code);
this shows that it lands on the same money and Add1 step as the app's count."""

import json
import zipfile

from pb.audit import verify
from pb.results.services import election_for
from pb.tally import pabulib


def test_the_verifier_counts_in_the_units_the_app_counts_in(zip_path, published):
    pot, _ = published
    with zipfile.ZipFile(zip_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = pabulib.parse(archive.read("ballots.pb").decode("utf-8"))
    in_minor = verify._in_minor_units(data.election, manifest)
    recounted, unit, step = verify._recount_units(in_minor, manifest)
    app = election_for(pot)
    assert (unit, step) == (1, pot.add1_step)
    assert recounted.budget == app.budget == pot.amount
    assert sorted(recounted.projects.values()) == sorted(app.projects.values())
