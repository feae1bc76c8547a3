"""A configured tile server: its origin alone joins the CSP's img-src; the pages name it."""

from pb.security import CSP, csp_for


def test_only_an_https_tile_origin_is_allowed():
    assert csp_for("") == CSP
    assert csp_for("http://tiles.example.org/{z}/{x}/{y}.png") == CSP  # not over plain http
    assert csp_for("https://a.example.org:8443/{z}/{x}/{y}.png").count("a.example.org:8443") == 1
    assert "img-src 'self' data: https://t.example.org;" in csp_for(
        "https://t.example.org/{z}/{x}/{y}.png"
    )
    assert csp_for("https://evil.example.org;script-src *") == CSP


def test_the_map_pages_hand_the_tile_server_to_the_script(app, client, world):
    app.config["TILE_URL"] = "https://t.example.org/{z}/{x}/{y}.png"
    try:
        page = client.get(f"/pots/{world.voting_pot.id}/map").text
    finally:
        app.config["TILE_URL"] = ""
    assert 'data-tile-url="https://t.example.org/{z}/{x}/{y}.png"' in page
