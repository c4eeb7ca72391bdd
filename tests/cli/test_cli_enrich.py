"""`tidings enrich`, `reenrich` and `quotes`, and following an entity, a topic or a place from
the command line, against one database holding the seed page and a sports story."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clirun import Cli
from support import SEED, SEED_TITLE

SPORT = """Sport
Liverpool beat Manchester City 3-1 to go top of the Premier League
Mohamed Salah scored twice as Liverpool came from behind at Anfield.
Liverpool moved to the top of the Premier League table on Sunday after a 3-1 win over
Manchester City at Anfield, with Mohamed Salah scoring twice in the second half.
City had taken the lead through Erling Haaland after 20 minutes, but Liverpool's pressing
turned the game after the break and Darwin Nunez added a late third goal.
"We showed character today," Jurgen Klopp told reporters after the match. "The players never
stopped believing."
The defeat leaves Pep Guardiola's side three points behind with ten games of the season left.
"""


@dataclass
class Db:
    cli: Cli
    seed_id: int
    sport_id: int


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Db:
    folder = tmp_path_factory.mktemp("cli-enrich")
    cli = Cli(db=folder / "tidings.db", cwd=folder)
    sport = folder / "liverpool.txt"
    sport.write_text(SPORT, encoding="utf-8")
    for path in (SEED, sport):
        assert cli("add-source", str(path)).code == 0
    r = cli("refresh")
    assert r.code == 0, r.err
    ids = {}
    assert cli("readers", "create", "Probe").code == 0
    for item in cli("feed", "Probe", "--json").json()["items"]:
        ids[item["title"]] = item["article_id"]
    return Db(cli, ids[SEED_TITLE], next(v for k, v in ids.items() if "Liverpool" in k))


def test_enrich_json_shows_everything_known_about_the_seed(db: Db) -> None:
    r = db.cli("enrich", str(db.seed_id), "--json")
    assert r.code == 0, r.err
    info = r.json()
    assert info["id"] == db.seed_id and info["title"] == SEED_TITLE
    assert info["language"] == "en"
    people = {e["name"] for e in info["entities"] if e["label"] == "PERSON"}
    assert {"Wang Yi", "Sergey Lavrov", "Fu Xiaoqiang"} <= people
    topics = {(t["kind"], t["key"]) for t in info["topics"]}
    assert ("tag", "afghanistan") in topics
    assert {("place", "china"), ("place", "russia")} <= topics
    assert any(kind == "taxonomy" for kind, _ in topics)
    speakers = {q["speaker"] for q in info["quotes"]}
    assert {"Wang Yi", "Fu Xiaoqiang"} <= speakers
    assert info["summary"] and info["has_embedding"] is True
    assert info["story"]["lead_article_id"] == db.seed_id


def test_enrich_of_an_unknown_article_fails_cleanly(db: Db) -> None:
    r = db.cli("enrich", "999999")
    assert r.code == 1 and r.err.startswith("error:") and "999999" in r.err


def test_quotes_by_surname_find_the_speakers_quotes(db: Db) -> None:
    r = db.cli("quotes", "Wang", "--json")
    assert r.code == 0, r.err
    lines = [line for line in r.out.splitlines() if line]
    assert lines and all('"speaker": "Wang Yi"' in line for line in lines)
    assert any("doomed to fail" in line for line in lines)
    none = db.cli("quotes", "Nobody Atall")
    assert none.code == 0 and "no quotes by Nobody Atall" in none.err


def test_reenrich_reprocesses_with_a_profile_and_refuses_unknown_ids(db: Db) -> None:
    r = db.cli("reenrich", "--profile")
    assert r.code == 0, r.err
    assert r.out.startswith("enriched 2 articles in")
    assert "entities" in r.out and "embeddings" in r.out
    one = db.cli("reenrich", str(db.sport_id))
    assert one.code == 0 and one.out.startswith("enriched 1 articles")
    bad = db.cli("reenrich", "424242")
    assert bad.code == 1 and "no article with id 424242" in bad.err
    # still fully enriched afterwards
    info = db.cli("enrich", str(db.sport_id), "--json").json()
    assert "sport" in {t["key"] for t in info["topics"] if t["kind"] == "taxonomy"}


@pytest.mark.parametrize(
    ("kind", "value", "first"),
    [
        ("place", "China", SEED_TITLE),
        ("entity", "Lavrov", SEED_TITLE),  # an alias: follows Sergey Lavrov
        ("topic", "Sport", "Liverpool"),  # a taxonomy topic
        ("person", "Mohamed Salah", "Liverpool"),
    ],
)
def test_a_follow_from_the_cli_reorders_the_feed_at_once(
    db: Db, kind: str, value: str, first: str
) -> None:
    name = f"reader-{kind}-{value.replace(' ', '-')}"
    assert db.cli("readers", "create", name).code == 0
    r = db.cli("follow", name, kind, value)
    assert r.code == 0, r.err
    top = db.cli("feed", name, "--json").json()["items"][0]
    assert first in top["title"]
    assert top["reason"].startswith("Because you follow")


def test_the_sport_story_is_not_in_the_seeds_story(db: Db) -> None:
    seed = db.cli("enrich", str(db.seed_id), "--json").json()
    sport = db.cli("enrich", str(db.sport_id), "--json").json()
    assert seed["story"]["id"] != sport["story"]["id"]
    assert seed["story"]["size"] == 1
