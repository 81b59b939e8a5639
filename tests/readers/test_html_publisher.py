"""A web page's publisher is a name: a JSON-LD `@id` reference is resolved to the node it names,
URLs never stand for a name, and of several candidates the one the site's host agrees with wins."""

from __future__ import annotations

from curate.params import IngestParams
from curate.readers import read_file

from .web_builders import ARTICLE_LD, article_page, write_page

ORG_ID = "https://www.northport-daily.example/#organization"


def publisher_of(tmp_path, page: str) -> tuple[str | None, str | None]:
    write_page(tmp_path / "page.html", page)
    [rec] = read_file("page.html", tmp_path, IngestParams())
    return rec.publisher, rec.provenance.rules.get("publisher")


def test_a_publisher_given_by_id_takes_the_name_of_the_node_in_the_graph(tmp_path):
    graph = {"@context": "https://schema.org", "@graph": [
        dict(ARTICLE_LD, publisher={"@id": ORG_ID}),
        {"@type": "NewsMediaOrganization", "@id": ORG_ID, "name": "Northport Daily"}]}
    assert publisher_of(tmp_path, article_page(ld=graph)) == ("Northport Daily", "json-ld")


def test_an_unresolved_id_is_not_a_name_and_og_site_name_is_taken(tmp_path):
    page = article_page(ld=dict(ARTICLE_LD, publisher={"@id": ORG_ID}), og={"og:site_name": "Northport Daily"})
    assert publisher_of(tmp_path, page) == ("Northport Daily", "og")


def test_an_unresolved_id_without_another_candidate_leaves_the_publisher_null(tmp_path):
    assert publisher_of(tmp_path, article_page(ld=dict(ARTICLE_LD, publisher=ORG_ID))) == (None, None)


def test_a_json_ld_publisher_the_host_disagrees_with_loses_to_the_sites_own_name(tmp_path):
    # a platform's name (`Blogger`, `Hosted`) in the JSON-LD, the site's own in og:site_name
    page = article_page(ld=dict(ARTICLE_LD, publisher={"@type": "Organization", "name": "Hosted"}),
                        og={"og:site_name": "Northport Daily"})
    assert publisher_of(tmp_path, page) == ("Northport Daily", "og")


def test_a_json_ld_publisher_unlike_the_host_stays_when_nothing_agrees_better(tmp_path):
    page = article_page(ld=dict(ARTICLE_LD, publisher={"@type": "Organization", "name": "Harbour Media Group"}),
                        og={"og:site_name": "Business"})
    assert publisher_of(tmp_path, page) == ("Harbour Media Group", "json-ld")
