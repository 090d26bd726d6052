"""One-shot set-up steps run by deploy/entrypoint.sh: `keys` and `topics`.

keys    Make the gateway's Ed25519 token key pair in the private keys folder if it is not there yet, and
        copy the public half to the public one. The services mount only the public folder, so they
        can check tokens but never mint one (DESIGN.md "Security"). The folders are those of
        HUB_TOKEN_PRIVATE_KEY_FILE and HUB_TOKEN_PUBLIC_KEY_FILE, where the gateway and the services
        read the keys (HUB_KEYS_PRIVATE_DIR / HUB_KEYS_PUBLIC_DIR override; /keys/private and
        /keys/public, the compose file's mount points, when nothing is set).
topics  Create the hub's topics with KAFKA_TOPIC_PARTITIONS partitions (the broker has
        auto.create.topics.enable=false), retrying while the broker starts; report any topic whose
        partition count differs from the setting.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _key_folder(folder_variable: str, file_variable: str, default: str) -> Path:
    if os.environ.get(folder_variable):
        return Path(os.environ[folder_variable])
    if os.environ.get(file_variable):
        return Path(os.environ[file_variable]).parent
    return Path(default)


def keys() -> int:
    from hubkit.tokens import ensure_keypair

    private_dir = _key_folder("HUB_KEYS_PRIVATE_DIR", "HUB_TOKEN_PRIVATE_KEY_FILE", "/keys/private")
    public_dir = _key_folder("HUB_KEYS_PUBLIC_DIR", "HUB_TOKEN_PUBLIC_KEY_FILE", "/keys/public")
    existed = (private_dir / "token_private.pem").is_file()
    _private, public = ensure_keypair(private_dir)
    public_dir.mkdir(parents=True, exist_ok=True)
    target = public_dir / public.name
    content = public.read_bytes()
    if not target.is_file() or target.read_bytes() != content:
        staging = target.with_suffix(".tmp")
        staging.write_bytes(content)
        staging.chmod(0o644)
        staging.replace(target)  # atomic: a service never reads half a key
    print(f"token keys: {'kept existing' if existed else 'generated new'} pair in {private_dir}; "
          f"public key at {target}", flush=True)
    return 0


def topics(timeout_s: float = 90.0) -> int:
    from hubkit.config import ConfigError, EnvReader, kafka_settings
    from hubkit.topics import TOPICS, admin_client, describe, ensure_topics

    reader = EnvReader(os.environ)
    kafka = kafka_settings(reader)
    if reader.problems:
        print(ConfigError(reader.problems), file=sys.stderr)
        return 2
    deadline = time.monotonic() + timeout_s
    created: list[str] = []
    while True:
        try:
            admin = admin_client(kafka)
            try:
                created += ensure_topics(admin, kafka.topic_partitions, TOPICS)
                current = describe(admin, list(TOPICS))
            finally:
                admin.close()
            # A topic just made can take a moment to appear in the broker's metadata: look again.
            missing = [t for t in TOPICS if t not in current]
            if not missing:
                break
            problem, pause = f"still missing after creation: {', '.join(missing)}", 0.5
        except Exception as exc:  # noqa: BLE001 - the broker may still be starting
            problem, pause = f"broker at {kafka.bootstrap_servers} not usable: {exc}", 2
        if time.monotonic() > deadline:
            print(f"topics: after {timeout_s:.0f}s, {problem}", file=sys.stderr)
            return 1
        print(f"topics: waiting ({problem})", flush=True)
        time.sleep(pause)
    for topic in TOPICS:
        partitions = current[topic][1]
        note = "" if partitions == kafka.topic_partitions else (
            f"  (KAFKA_TOPIC_PARTITIONS is {kafka.topic_partitions}; existing topics are never changed)")
        print(f"topics: {topic} {partitions} partitions{' (created)' if topic in created else ''}{note}",
              flush=True)
    return 0


def main(argv: list[str]) -> int:
    steps = {"keys": keys, "topics": topics}
    if len(argv) != 1 or argv[0] not in steps:
        print(f"usage: hub_init.py {{{'|'.join(steps)}}}", file=sys.stderr)
        return 2
    return steps[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
