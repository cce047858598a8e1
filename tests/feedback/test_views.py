import pytest

from config.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_answers_without_dependencies(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "broker")} == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
    }
    assert body["details"]["nlp"]["precision"] in ("fp32", "int8", "bf16")


@pytest.fixture
def unreachable_broker():
    original = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.broker_url, celery_app.conf.broker_write_url = original


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_down(client, unreachable_broker):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
