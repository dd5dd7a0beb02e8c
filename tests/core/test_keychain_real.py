"""Secrets against a real Secret Service: gnome-keyring on a private D-Bus session bus.

The module starts its own ``dbus-daemon`` and ``gnome-keyring-daemon`` (no
user session, no prompt: the login keyring is created and unlocked with a
password on stdin), points ``keyring`` at them, and stops both at the end.
Without the binaries the tests are skipped, except on CI (``CI=true``),
where a skip would hide a broken keychain path: there they fail.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from desktop.core.logsetup import configure_logging
from desktop.core.paths import all_dirs, config_dir
from desktop.core.profiles import Profile
from desktop.core.secrets import SERVICE, SecretKind, SecretStore
from desktop.core.workspace import Workspace

pytestmark = pytest.mark.keychain

BINARIES = ("dbus-daemon", "gnome-keyring-daemon")
SECRETS_NAME = "org.freedesktop.secrets"
KEYRING_PASSWORD = b"switchboard-test-keyring"
"""Must not be empty: gnome-keyring then refuses to create the default collection."""
START_TIMEOUT = 30.0

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
"""A session bus with no service directories: nothing is activated behind our back."""


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the real keychain tests", pytrace=False)
    pytest.skip(reason)


@dataclass
class SecretService:
    address: str
    root: Path


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_for_secret_service(address: str, start) -> None:
    """Start the daemon and return once it owns org.freedesktop.secrets (a bus signal)."""
    from jeepney import MatchRule, message_bus
    from jeepney.io.blocking import open_dbus_connection

    rule = MatchRule(type="signal", sender=message_bus.bus_name,
                     interface=message_bus.interface, member="NameOwnerChanged",
                     path=message_bus.object_path)
    rule.add_arg_condition(0, SECRETS_NAME)
    with open_dbus_connection(bus=address) as connection, connection.filter(rule) as queue:
        connection.send_and_get_reply(message_bus.AddMatch(rule))
        start()
        while True:
            signal = connection.recv_until_filtered(queue, timeout=START_TIMEOUT)
            _name, _old_owner, new_owner = signal.body
            if new_owner:
                return


@pytest.fixture(scope="module")
def secret_service() -> Iterator[SecretService]:
    missing = [name for name in BINARIES if shutil.which(name) is None]
    if missing:
        unavailable(f"{' and '.join(missing)} not installed: no real Secret Service to test")
    try:
        import jeepney  # noqa: F401  (keyring's SecretService backend talks D-Bus through it)
        from keyring.backends.SecretService import Keyring as SecretServiceKeyring
    except ImportError as exc:
        unavailable(f"keyring's Secret Service backend is not importable ({exc})")

    # A short path of our own: a unix socket path must stay under ~100 characters.
    root = Path(tempfile.mkdtemp(prefix="sb-keyring-"))
    dirs = {name: root / name for name in ("home", "data", "config", "cache", "run")}
    for path in dirs.values():
        path.mkdir(mode=0o700)
    config = root / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=root / "bus"), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "HOME": str(dirs["home"]), "XDG_DATA_HOME": str(dirs["data"]),
           "XDG_CONFIG_HOME": str(dirs["config"]), "XDG_CACHE_HOME": str(dirs["cache"]),
           "XDG_RUNTIME_DIR": str(dirs["run"])}
    log_path = root / "daemons.log"
    bus: subprocess.Popen | None = None
    daemon: subprocess.Popen | None = None
    with open(log_path, "wb") as daemon_log:
        try:
            bus = subprocess.Popen(
                ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=daemon_log, env=env)
            address = bus.stdout.readline().decode().strip()  # printed once it listens
            if not address:
                raise RuntimeError("dbus-daemon did not start")
            env["DBUS_SESSION_BUS_ADDRESS"] = address

            def start_keyring() -> None:
                nonlocal daemon
                daemon = subprocess.Popen(
                    ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets",
                     f"--control-directory={dirs['run'] / 'keyring'}"],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=daemon_log,
                    env=env)
                daemon.stdin.write(KEYRING_PASSWORD)
                daemon.stdin.close()

            _wait_for_secret_service(address, start_keyring)
        except Exception as exc:
            _stop(daemon)
            _stop(bus)
            details = log_path.read_text(errors="replace")
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail(f"could not start a private Secret Service: {exc}\n{details}",
                        pytrace=False)

    previous = keyring.get_keyring()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
            keyring.set_keyring(SecretServiceKeyring())
            yield SecretService(address, root)
    finally:
        keyring.set_keyring(previous)
        _stop(daemon)
        _stop(bus)
        if bus is not None and bus.stdout is not None:
            bus.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def file_log() -> Iterator[Path]:
    """The app's own rotating log, at DEBUG, so anything logged lands in the log dir."""
    path = configure_logging(level=logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    try:
        yield path
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_switchboard_handler", False):
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def canary() -> str:
    return f"canary-{uuid.uuid4().hex}"


def files_containing(value: str) -> list[Path]:
    needle = value.encode("utf-8")
    return [path for directory in all_dirs() for path in directory.rglob("*")
            if path.is_file() and needle in path.read_bytes()]


def test_the_private_secret_service_is_the_keychain_in_use(secret_service) -> None:
    status = SecretStore().status
    assert status.available, status.message
    assert status.backend == "keyring.backends.SecretService.Keyring"


def test_secret_store_sets_gets_and_deletes_through_the_secret_service(secret_service) -> None:
    store = SecretStore()
    profile_id = uuid.uuid4().hex
    value = canary()
    store.set(profile_id, SecretKind.CLIENT_SECRET, value)
    assert keyring.get_password(SERVICE, f"{profile_id}:client_secret") == value
    assert SecretStore().get(profile_id, SecretKind.CLIENT_SECRET) == value

    store.set(profile_id, SecretKind.CLIENT_SECRET, value + "-changed")
    assert SecretStore().get(profile_id, SecretKind.CLIENT_SECRET) == value + "-changed"

    store.delete(profile_id, SecretKind.CLIENT_SECRET)
    assert keyring.get_password(SERVICE, f"{profile_id}:client_secret") is None
    assert SecretStore().get(profile_id, SecretKind.CLIENT_SECRET) is None
    store.delete(profile_id, SecretKind.CLIENT_SECRET)
    assert store.status.available, "deleting a missing entry is not a keychain failure"


def test_a_canary_secret_is_in_the_keychain_and_in_no_file(secret_service, file_log) -> None:
    workspace = Workspace(secrets=SecretStore())
    workspace.ensure_sandbox_profile()
    profile = workspace.profiles.add(Profile(
        name="Canary", provider="redcloud", environment="staging",
        base_url="https://api.staging.acme.example", settings={"client_id": "acme-client"}))
    secret, hook = canary(), canary()
    workspace.secrets.set(profile.id, SecretKind.CLIENT_SECRET, secret)
    workspace.secrets.set(profile.id, SecretKind.WEBHOOK_SECRET, hook)
    logging.getLogger("desktop.test").info("profile %s saved", profile.name)

    restarted = Workspace(secrets=SecretStore())
    again = restarted.profiles.get("Canary")
    assert again is not None
    assert again.id == profile.id
    assert restarted.secrets.get(again.id, SecretKind.CLIENT_SECRET) == secret
    assert restarted.secrets.get(again.id, SecretKind.WEBHOOK_SECRET) == hook

    assert (config_dir() / "profiles.json").is_file()
    assert file_log.is_file(), "the log was written, so it was searched too"
    assert files_containing(secret) == []
    assert files_containing(hook) == []
    workspace.secrets.delete_all(profile.id)


def test_a_profile_made_in_the_window_keeps_its_secret_in_the_keychain_only(
        secret_service, file_log, qtbot) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.context import AppContext
    from desktop.ui.mainwindow import MainWindow

    workspace = Workspace(secrets=SecretStore())
    workspace.ensure_sandbox_profile()
    window = MainWindow(AppContext(workspace))
    qtbot.addWidget(window)
    window.show()
    window.profile_actions.new_action.trigger()
    dialog = window.profile_actions.dialog
    assert dialog.keychain_banner.isHidden()
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("trk-sms"))
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Canary trk")
    qtbot.keyClicks(dialog.base_url_edit, "https://api.trk.example/v1")
    key = "trk_" + uuid.uuid4().hex  # 32 hex digits: the documented format, and unique
    qtbot.keyClicks(dialog.fields.secret_fields[SecretKind.API_KEY].edit, key)
    assert not [f for f in dialog.findings if f.location == "api_key"]
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    window.save_state()
    window.close()

    restarted = Workspace(secrets=SecretStore())
    profile = restarted.profiles.get("Canary trk")
    assert profile is not None
    assert restarted.secrets.get(profile.id, SecretKind.API_KEY) == key
    assert keyring.get_password(SERVICE, f"{profile.id}:api_key") == key

    for name in ("profiles.json", "window.ini"):
        path = config_dir() / name
        assert path.is_file(), name
        assert key.encode() not in path.read_bytes(), name
    assert files_containing(key) == []
    restarted.secrets.delete_all(profile.id)
