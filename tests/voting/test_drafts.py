"""A draft pot's name does not leak through its ballot pages (issue 14)."""

import pytest

from tests.factories import make_pot, make_user


@pytest.mark.parametrize("path", ["/pots/{id}/ballot", "/pots/{id}/ballot/prove"])
def test_draft_pots_are_not_found_on_the_ballot_pages(client, login, world, path):
    pot = make_pot(world.council, world.north, phase="draft", name="Secret plan for the park")
    login(make_user())
    for method in ("get", "post"):
        response = getattr(client, method)(path.format(id=pot.id))
        assert response.status_code == 404
        assert "Secret plan" not in response.text
    cast = client.post(f"/pots/{pot.id}/ballot/cast", data={"nonce": "x"})
    assert cast.status_code == 404 and "Secret plan" not in cast.text


def test_the_panel_setting_it_up_still_sees_it(client, login, world):
    pot = make_pot(world.council, world.north, phase="draft", name="Secret plan for the park")
    login(make_user(roles=[("panel", world.north.id)]))
    assert client.get(f"/pots/{pot.id}/ballot").status_code != 404
