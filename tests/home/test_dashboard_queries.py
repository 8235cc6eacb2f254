"""The dashboards are computed in the database: their query count does not grow with the
number of patients or the months of logs behind them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from rehab.outcomes import caseload_cache
from tests import factories

from .seed import seed_caseload


def _queries(client, url: str, *, cached: bool = False) -> tuple[int, str, list[str]]:
    """The queries of one request; unless `cached`, with the caseload page's per-process cache
    emptied first, so the page is computed."""
    if not cached:
        caseload_cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode(), [q["sql"] for q in captured]


@pytest.fixture
def exercise(db):
    return factories.ExerciseFactory(clinic=None)


def test_the_caseload_page_runs_the_same_queries_for_20_and_200_patients(client, world, exercise):
    seed_caseload(therapist=world.carol, exercise=exercise, count=20)
    client.force_login(world.carol)
    client.get("/caseload/")  # warm up: session, MFA and content type caches
    small, page, small_sql = _queries(client, "/caseload/")
    assert page.count('class="caseload-row') == 21  # alice and the 20

    seed_caseload(therapist=world.carol, exercise=exercise, count=180, first=20)
    large, page, large_sql = _queries(client, "/caseload/")
    assert page.count('class="caseload-row') == 201
    assert large == small, "\n\n".join(large_sql)
    # 10 for the page, 12 for the shared cache (a read, the turn taken, the rows stored, the
    # turn given back: Django's database cache counts its rows on every write).
    assert small <= 22, "\n\n".join(small_sql)
    # From the cache: the same page, whatever the caseload's size, in fewer queries.
    warm, again, warm_sql = _queries(client, "/caseload/", cached=True)
    assert again.count('class="caseload-row') == 201
    assert warm < small, "\n\n".join(warm_sql)
    # The seeded red flags (every 25th patient) lead the table.
    first_rows = page.split('class="caseload-row')[1:9]
    assert all(" urgent" in row[:30] for row in first_rows)


def test_the_filtered_caseload_and_its_api_keep_the_same_count(client, world, exercise):
    seed_caseload(therapist=world.carol, exercise=exercise, count=20)
    client.force_login(world.carol)
    client.get("/caseload/")
    counts = {}
    for url in ("/caseload/?reason=pain&show=attention&q=Seeded", "/api/v1/caseload/?page=1"):
        counts[url] = _queries(client, url)[0]
    seed_caseload(therapist=world.carol, exercise=exercise, count=80, first=20)
    for url, small in counts.items():
        large, _, sql = _queries(client, url)
        assert large == small, url + "\n\n" + "\n\n".join(sql)


def test_the_clinic_dashboard_runs_the_same_queries_for_20_and_200_patients(
    client, world, exercise
):
    seed_caseload(therapist=world.carol, exercise=exercise, count=20)
    client.force_login(world.frank)
    client.get("/clinic/")
    small, page, _ = _queries(client, "/clinic/")
    assert '<span class="stat">22</span> active patients' in page

    other = factories.TherapistFactory(clinic=world.clinic_a)
    seed_caseload(therapist=other, exercise=exercise, count=180, first=20)
    large, page, sql = _queries(client, "/clinic/")
    assert '<span class="stat">202</span> active patients' in page
    assert large == small, "\n\n".join(sql)
    assert User.objects.filter(clinic=world.clinic_a, role="patient").count() == 202
