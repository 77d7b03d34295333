"""The staff's views over HTTP: the real app under uvicorn (records only), reports uploaded
through the admin route, then /api/rates, /api/audit, /api/diff, /api/coverage and /api/export
read with httpx and no admin key. The CLI prints the same rows (``nianbao rates --format json``).

Hand-checked in the reports: 平潭 2024 表四 行政复议 纠正1 总计7 (14.3%), 表三 新收 自然人217 of 218
(99.5%); 2023 新收 81; 2024 dated 时间：2025-03-10 (a government's report: due 31 March); 2022 not
uploaded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pytest
from click.testing import CliRunner

from nianbao.cli import app as cli
from tests.api.conftest import Served, live_server, raw_files, settings_for, upload

FILES = [
    "2021_pingtan_zonghe_shiyanqu.txt",
    "2023_pingtan_zonghe_shiyanqu.html",
    "2024_pingtan_zonghe_shiyanqu.html",
    "2023_suqian_shuyangxian_fagaiju.html",
    "2024_shanghai_kewei.txt",
    "2025_suqian_shuyangxian.txt",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with live_server(settings_for(tmp_path_factory.mktemp("review") / "data"), with_index=False) as srv:
        with srv.client() as c:
            response = upload(c, raw_files(*FILES))
            assert [o["status"] for o in response.json()["outcomes"]] == ["ingested"] * len(FILES)
        yield srv


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with served.client() as c:  # no admin key: reading needs none
        yield c


def test_rates_come_with_formula_cells_and_a_small_sample_note(client: httpx.Client) -> None:
    response = client.get("/api/rates", params={"body": "平潭", "year": 2024})
    assert response.status_code == 200
    rates = {r["rate"]: r for r in response.json()}
    review = rates["review_correction"]
    assert review["formula"] == "结果纠正1 ÷ 总计7 = 14.3%" and review["percent"] == 14.3
    assert review["small_sample"] and review["note"].startswith("样本较少")
    assert [(c["key"], c["value"]) for c in review["cells"]] == [
        ("t4.review.corrected", 1),
        ("t4.review.total", 7),
    ]
    assert review["cells"][0]["source"] == "2024_pingtan_zonghe_shiyanqu.html"
    people = rates["natural_person_share"]
    assert (people["numerator"], people["denominator"], people["percent"]) == (217, 218, 99.5)
    assert not people["small_sample"] and people["note"] == ""


def test_rates_as_csv_name_the_cells_they_used(client: httpx.Client) -> None:
    response = client.get("/api/rates", params={"body": "平潭", "year": 2024, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    [review] = [r for r in rows if r["rate"] == "review_correction"]
    assert review["formula"] == "结果纠正1 ÷ 总计7 = 14.3%"
    assert "表四 政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果纠正" in review["cells"]


def test_the_audit_cites_each_item_and_is_not_the_audit_log(client: httpx.Client) -> None:
    response = client.get("/api/audit", params={"body": "平潭", "year": 2024})
    assert response.status_code == 200
    [report] = response.json()
    assert report["source"] == "2024_pingtan_zonghe_shiyanqu.html"
    [dated] = [i for i in report["items"] if i["check"] == "date"]
    assert dated["status"] == "ok" and "2025-03-10" in dated["quote"] and dated["check_name"] == "公开日期"
    # a government's own report
    assert "2025年3月31日的期限之内（《条例》第四十九条第二款" in dated["message"]
    assert report["problems"] == sum(i["status"] == "problem" for i in report["items"])
    by_id = client.get("/api/audit", params={"report_id": report["report_id"]}).json()
    assert by_id == [report]
    assert client.get("/api/audit", params={"report_id": "nope"}).json()["error"]["code"] == "not_found"
    assert client.get("/api/audit-log").status_code == 401  # the log of changes still needs the key


def test_the_audit_lists_blank_cells_by_row(client: httpx.Client) -> None:
    [report] = client.get("/api/audit", params={"body": "沭阳县发改局"}).json()
    blank = [i for i in report["items"] if i["check"] == "cells"]
    assert len(blank) == 25 and all(len(i["keys"]) == 5 for i in blank)


def test_diff_gives_both_values_of_each_changed_cell(client: httpx.Client) -> None:
    response = client.get(
        "/api/diff", params={"body": "平潭", "year": 2024}
    )  # default: the year before it stored
    assert response.status_code == 200
    diff = response.json()
    assert (diff["year_before"], diff["year_after"]) == (2023, 2024)
    [new] = [c for c in diff["cells"] if c["key"] == "t3.new_received.total"]
    assert (new["before"]["value"], new["after"]["value"], new["change"]) == (81, 218, 137)
    assert new["before"]["source"] == "2023_pingtan_zonghe_shiyanqu.html"
    assert diff["largest"][0]["key"] == "t2.licensing.decisions"
    assert any(t["part"] == 5 and t["kind"] == "added" for t in diff["text"])
    reverse = client.get("/api/diff", params={"body": "平潭综合实验区", "year": 2023, "year2": 2024}).json()
    assert reverse["cells"] == diff["cells"]  # the earlier year first, whatever the order asked


def test_diff_skips_a_missing_year_to_the_one_before(client: httpx.Client) -> None:
    diff = client.get("/api/diff", params={"body": "平潭", "year": 2023}).json()
    assert (diff["year_before"], diff["year_after"]) == (2021, 2023)  # 2022 is not stored


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"body": "沭阳", "year": 2025}, 409, "ambiguous_body"),  # 沭阳县人民政府 or its 发改局
        ({"body": "平潭", "year": 2030}, 404, "not_found"),
        ({"body": "北京市", "year": 2024}, 404, "not_found"),
        ({"body": "平潭", "year": 2021}, 404, "not_found"),  # nothing stored before 2021
        ({"body": "平潭", "year": 2024, "year2": 2024}, 400, "bad_request"),
        ({"body": "平潭"}, 422, "validation_error"),
        ({"body": "平潭", "year": "二〇二四"}, 422, "validation_error"),
    ],
)
def test_diff_refuses_what_it_cannot_compare_in_the_error_shape(
    client: httpx.Client, params: dict, status: int, code: str
) -> None:
    response = client.get("/api/diff", params=params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]


def test_coverage_lists_bodies_years_and_gaps(client: httpx.Client) -> None:
    found = client.get("/api/coverage").json()
    [pingtan] = [b for b in found["bodies"] if b["body"] == "平潭综合实验区"]
    assert pingtan["years"] == [2021, 2023, 2024] and pingtan["missing"] == [2022]
    assert found["years"] == [2021, 2022, 2023, 2024, 2025] and found["gaps"] == 1


def test_the_export_downloads_a_docx_whose_figures_are_the_stored_cells(client: httpx.Client) -> None:
    response = client.get("/api/export", params={"body": "平潭", "years": "2023-2024", "format": "docx"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    records = client.get("/api/figures", params={"body": "平潭", "year": [2023, 2024]}).json()
    by_key = {(r["year"], r["key"]): r for r in records}
    checked = 0
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[1] != "键" or "\n" not in header[2]:
            continue
        years = [int(h.split("年")[0]) for h in header[2:]]
        for row in table.rows[1:]:
            texts = [c.text for c in row.cells]
            for year, shown in zip(years, texts[2:], strict=True):
                record = by_key[(year, texts[1])]
                value = record["value"]
                expected = record["as_written"] or "（空白）" if value is None else _number(value)
                assert shown == expected
                checked += 1
    assert checked == len(records) == 400


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def test_the_export_as_csv_and_its_refusals(client: httpx.Client) -> None:
    response = client.get("/api/export", params={"body": "平潭", "years": "2021-2024", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert {r["year"] for r in rows if r["section"] == "数据"} == {"2021", "2023", "2024"}
    bad = client.get("/api/export", params={"body": "平潭", "years": "abc"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    none = client.get("/api/export", params={"body": "平潭", "years": "2010-2012"})
    assert none.status_code == 404 and "2021、2023、2024" in none.json()["error"]["message"]
    wrong = client.get("/api/export", params={"body": "平潭", "years": "2024", "format": "pdf"})
    assert wrong.status_code == 422


# --- the command line reads the same -------------------------------------------------------


def run(served: Served, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"NIANBAO_DATA_DIR": str(served.settings.data_dir)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_cli_rates_and_coverage_are_the_apis(served: Served, client: httpx.Client) -> None:
    api = client.get("/api/rates", params={"body": "平潭", "year": 2024}).json()
    assert json.loads(run(served, "rates", "--body", "平潭", "--year", "2024", "--format", "json")) == api
    assert json.loads(run(served, "coverage", "--format", "json")) == client.get("/api/coverage").json()
    table = run(served, "rates", "--body", "平潭", "--year", "2024")
    assert "14.3" in table and "样本较少" in table


def test_the_cli_diff_audit_and_export(served: Served, client: httpx.Client, tmp_path: Path) -> None:
    diff = json.loads(run(served, "diff", "平潭", "2024", "--format", "json"))
    assert diff == client.get("/api/diff", params={"body": "平潭", "year": 2024}).json()
    text = run(served, "diff", "平潭", "2024", "2023")
    assert "81→218（+137）" in text  # the summary line: 新收 81 → 218
    audit = json.loads(run(served, "audit", "--body", "平潭", "--year", "2024", "--format", "json"))
    assert audit == client.get("/api/audit", params={"body": "平潭", "year": 2024}).json()
    assert "2025-03-10" in run(served, "audit", "--body", "平潭", "--year", "2024")
    assert "2025-03-10" not in run(served, "audit", "--body", "平潭", "--year", "2024", "--problems")
    out = tmp_path / "pingtan.docx"
    run(
        served,
        "export",
        "--body",
        "平潭综合实验区",
        "--years",
        "2021-2025",
        "--format",
        "docx",
        "--out",
        str(out),
    )
    assert docx.Document(str(out)).tables


def test_the_cli_says_what_is_wrong_and_exits_1(served: Served) -> None:
    env = {"NIANBAO_DATA_DIR": str(served.settings.data_dir)}
    ambiguous = CliRunner().invoke(cli, ["diff", "沭阳", "2025"], env=env)
    assert ambiguous.exit_code == 1 and "沭阳县发展和改革局" in ambiguous.stderr
    years = CliRunner().invoke(cli, ["export", "--body", "平潭", "--years", "soon"], env=env)
    assert years.exit_code == 1 and "2021-2025" in years.stderr
