"""The fault-injection scenario of bench/faults.py, smaller: a real NLP worker SIGKILLed mid-batch
five times while 100 items flow, the broker and the database cut once each (through proxies)."""

import pytest
from django.db import connection

from bench.faults import run


@pytest.mark.faults
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_or_duplicated_when_workers_die_and_servers_blip():
    # when
    try:
        figures = run(n=100, kills=5, broker_cut_s=3, db_cut_s=2, log=print)
    finally:
        connection.close()

    # then
    print(figures)
    assert figures["saved"] == figures["analysed"] == 100
    assert figures["lost"] == figures["duplicated"] == figures["unanalysed"] == 0
    assert figures["cases_missing"] == 0
    assert figures["cases"] == 20
    assert figures["drain_s"] < 300
