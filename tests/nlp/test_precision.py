"""The encoder precision: chosen from the CPU's flags, overridden by NLP_PRECISION, recorded."""

import pytest

from feedback.models import Analysis
from nlp.engine.config import EngineConfig
from nlp.engine.core import engine_get
from nlp.precision import cpu_flags, precision_choose, precision_details, precision_setting
from nlp.services import feedback_analyse_batch
from tests.factories import FeedbackFactory

# Flags as /proc/cpuinfo lists them on the machines this project has run on.
EPYC_AVX2 = frozenset({"sse4_2", "avx", "avx2", "fma"})
ICELAKE_VNNI = EPYC_AVX2 | {"avx512f", "avx512_vnni"}
XEON_AMX = ICELAKE_VNNI | {"avx512_bf16", "amx_tile", "amx_int8", "amx_bf16", "avx_vnni"}


def everything(precision: str) -> bool:
    return True


def no_openvino(precision: str) -> bool:
    return precision != "bf16"


@pytest.mark.parametrize(
    ("flags", "available", "chosen"),
    [
        (EPYC_AVX2, everything, "fp32"),
        (ICELAKE_VNNI, everything, "fp32"),  # int8 gains too little (model card)
        (XEON_AMX, everything, "bf16"),
        (XEON_AMX, no_openvino, "fp32"),
        (frozenset(), everything, "fp32"),  # no /proc/cpuinfo (not Linux)
    ],
)
def test_auto_takes_the_fastest_precision_the_cpu_and_runtimes_allow(flags, available, chosen):
    # when
    choice = precision_choose("auto", flags=flags, available=available)
    # then
    assert choice.precision == chosen and choice.requested == "auto"
    assert choice.reason.startswith("auto:")


@pytest.mark.parametrize(
    ("requested", "flags", "available", "chosen", "why"),
    [
        ("fp32", XEON_AMX, everything, "fp32", "requested by NLP_PRECISION"),
        ("int8", EPYC_AVX2, everything, "int8", "requested by NLP_PRECISION"),
        ("BF16", XEON_AMX, everything, "bf16", "requested by NLP_PRECISION"),
        ("bf16", EPYC_AVX2, everything, "fp32", "no bf16 instructions"),
        ("bf16", XEON_AMX, no_openvino, "fp32", "OpenVINO is not installed"),
    ],
)
def test_a_set_precision_wins_and_falls_back_to_fp32_when_it_cannot_run(
    requested, flags, available, chosen, why
):
    # when
    choice = precision_choose(requested, flags=flags, available=available)
    # then
    assert choice.precision == chosen
    assert why in choice.reason


def test_an_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="NLP_PRECISION"):
        precision_choose("fp8", flags=XEON_AMX)


def test_flags_are_read_from_cpuinfo_on_x86_and_arm(tmp_path):
    # given
    x86, arm = tmp_path / "x86", tmp_path / "arm"
    x86.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_vnni amx_bf16\n\nflags\t: fpu\n")
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd bf16 i8mm\n")
    # then the first processor's flags, and none where there is no file
    assert cpu_flags(x86) == {"fpu", "avx2", "avx512_vnni", "amx_bf16"}
    assert "bf16" in cpu_flags(arm)
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_the_setting_keeps_nlp_quantize_as_int8(settings):
    # given NLP_QUANTIZE alone, then both, then neither
    settings.NLP_PRECISION, settings.NLP_QUANTIZE = "", True
    quantize_only = precision_setting()
    settings.NLP_PRECISION = "fp32"
    both = precision_setting()
    settings.NLP_PRECISION, settings.NLP_QUANTIZE = "", False
    # then
    assert quantize_only == "int8" and both == "fp32" and precision_setting() == "auto"
    assert EngineConfig.from_settings().precision == "auto"


@pytest.mark.django_db
def test_readyz_shows_the_precision_a_worker_here_picks(client, settings):
    # given a precision set that this CPU may or may not be able to run
    settings.NLP_PRECISION = "bf16"
    # when
    response = client.get("/readyz")
    # then it says what was asked, what a worker picks, and why, with the deciding flags
    nlp = response.json()["details"]["nlp"]
    expected = precision_choose("bf16", flags=cpu_flags())
    assert response.status_code == 200
    assert nlp["requested"] == "bf16" and nlp["precision"] == expected.precision
    assert nlp["reason"] == expected.reason and nlp["cpu_flags"] == list(expected.flags)
    assert nlp == precision_details()


@pytest.mark.django_db
def test_each_analysis_records_the_precision_it_was_made_in(nlp_engine, api_source):
    # given the fp32 engine and an int8 one, and an item analysed by each
    int8 = engine_get(EngineConfig(precision="int8"))
    first, second = FeedbackFactory(source=api_source), FeedbackFactory(source=api_source)
    # when
    feedback_analyse_batch(feedback_ids=[first.pk], engine=nlp_engine)
    feedback_analyse_batch(feedback_ids=[second.pk], engine=int8)
    # then the model info says which, and the two are distinct model versions
    one, two = Analysis.objects.get(feedback=first), Analysis.objects.get(feedback=second)
    assert one.model_info["precision"] == "fp32" and not one.model_info["quantized"]
    assert two.model_info["precision"] == "int8" and two.model_info["quantized"]
    assert one.model_version == nlp_engine.version != two.model_version == int8.version
