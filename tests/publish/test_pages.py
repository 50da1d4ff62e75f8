"""Page contexts: the reference catalogue each page reads is read once a session, and anew once
the session has written."""

from __future__ import annotations

from sqlalchemy import update

from glokal.publish.pages import Catalogue
from glokal.store import Store
from glokal.store.models import PlaceRow


def test_the_catalogue_is_read_again_after_a_write_in_the_session(
    initialised_store: Store,
) -> None:
    with initialised_store.session() as session, session.begin():
        first = Catalogue.read(session)
        assert Catalogue.read(session) is first  # read once while nothing changes
        session.execute(update(PlaceRow).where(PlaceRow.id == "1781").values(name="Ny"))
        session.flush()
        assert Catalogue.read(session).unit("1781").name == "Ny"
        session.rollback()
    with initialised_store.session() as session:
        assert Catalogue.read(session).unit("1781").name == "Kristinehamn"
