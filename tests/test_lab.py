"""JupyterLab serves the notebooks and runs one through its REST and kernel APIs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from scamgeo import briefs, config

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for nb in briefs.list_notebooks():
        shutil.copy(nb, root / nb.name)
    port, token = _free_port(), uuid.uuid4().hex
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.5)
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"jupyter lab exited: {(root / 'lab.log').read_text()[-2000:]}")
    else:
        proc.kill()
        proc.wait()
        log.close()
        pytest.fail("jupyter lab did not start within 90 s")
    yield base, headers, port, token, root
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def test_lab_lists_the_notebooks(lab):
    base, headers, *_ = lab
    listing = requests.get(f"{base}/api/contents", headers=headers, timeout=10).json()
    names = {item["name"] for item in listing["content"]}
    assert {nb.name for nb in briefs.list_notebooks()} <= names
    page = requests.get(f"{base}/lab", headers=headers, timeout=10)
    assert page.ok and "JupyterLab" in page.text


def _message(code: str, session: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "test",
            "session": session,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "channel": "shell",
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    }


def test_lab_runs_a_notebook_through_its_kernel_api(lab):
    import websocket

    base, headers, port, token, root = lab
    nb_name = "05-data-catalogue.ipynb"
    session = requests.post(
        f"{base}/api/sessions",
        headers=headers,
        timeout=30,
        json={"path": nb_name, "type": "notebook", "name": nb_name, "kernel": {"name": "python3"}},
    ).json()
    kernel_id = session["kernel"]["id"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}", timeout=120
    )
    try:
        nb = requests.get(f"{base}/api/contents/{nb_name}", headers=headers, timeout=10).json()[
            "content"
        ]
        cells = [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]
        sid = uuid.uuid4().hex
        outputs = []
        for code in cells:
            msg = _message(code, sid)
            ws.send(json.dumps(msg))
            while True:
                reply = json.loads(ws.recv())
                if reply.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if reply["msg_type"] in ("execute_result", "display_data"):
                    outputs.append(reply["content"]["data"])
                if reply["msg_type"] == "error":
                    pytest.fail(
                        f"cell failed in the lab kernel: {reply['content']['ename']}: {reply['content']['evalue']}"
                    )
                if reply["msg_type"] == "execute_reply":
                    assert reply["content"]["status"] == "ok"
                    break
        figures = [o[briefs.FIGURE_MIME] for o in outputs if briefs.FIGURE_MIME in o]
        record = next(f["value"] for f in figures if f["name"] == "record")
        assert record["rows"]["events"] >= 150 and record["incidents"] < record["rows"]["events"]
    finally:
        ws.close()
        requests.delete(f"{base}/api/sessions/{session['id']}", headers=headers, timeout=10)
    assert config.data_dir.exists()
    assert not (Path(root) / "05-data-catalogue.html").exists()
