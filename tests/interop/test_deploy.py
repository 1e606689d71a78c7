"""The deployment files in deploy/ (issue 12, item 5), checked for syntax, not run: HAProxy's own
check of deploy/haproxy.cfg (the replica test also runs it), and deploy/kubernetes.yaml parsed
as the Deployment and Service the README describes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_the_haproxy_configuration_is_valid():
    env = dict(os.environ, BASTION_LB_BIND="127.0.0.1:18080", BASTION_R1="127.0.0.1:18765",
               BASTION_R2="127.0.0.1:18766", BASTION_R3="127.0.0.1:18767")
    check = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")], env=env,
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_kubernetes_manifest_is_a_deployment_a_service_and_its_config():
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    kinds = {d["kind"]: d for d in documents}
    assert set(kinds) == {"ConfigMap", "Deployment", "Service"}
    deployment = kinds["Deployment"]["spec"]
    assert deployment["replicas"] == 3
    container = deployment["template"]["spec"]["containers"][0]
    assert container["args"][:1] == ["serve"] and "--http" in container["args"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert kinds["Service"]["spec"]["selector"] == deployment["selector"]["matchLabels"]
    config = kinds["ConfigMap"]["data"]["bastion.toml"]
    # A replica listens beyond loopback: TLS and authentication are set, or Bastion refuses to start.
    assert 'listen = "0.0.0.0:8765"' in config and "tls_cert" in config and "[auth.jwt]" in config


def test_the_manifests_configuration_is_one_bastion_accepts(bastion_bin, tmp_path):
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    config = tmp_path / "bastion.toml"
    config.write_text(next(d for d in documents if d["kind"] == "ConfigMap")["data"]["bastion.toml"])
    check = subprocess.run([str(bastion_bin), "check-config", str(config)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    assert "[auth.jwt]" in check.stdout
