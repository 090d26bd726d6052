"""One-shot set-up steps run by deploy/entrypoint.sh: `keys` and `topics`.

keys    Make the gateway's Ed25519 token key pair in HUB_KEYS_PRIVATE_DIR if it is not there yet, and
        copy the public half to HUB_KEYS_PUBLIC_DIR. The services mount only the public folder, so
        they can check tokens but never mint one (DESIGN.md "Security").
topics  Create the hub's topics with KAFKA_TOPIC_PARTITIONS partitions (the broker has
        auto.create.topics.enable=false), retrying while the broker starts; report any topic whose
        partition count differs from the setting.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def keys() -> int:
    from hubkit.tokens import ensure_keypair

    private_dir = Path(os.environ.get("HUB_KEYS_PRIVATE_DIR", "/keys/private"))
    public_dir = Path(os.environ.get("HUB_KEYS_PUBLIC_DIR", "/keys/public"))
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
    while True:
        try:
            admin = admin_client(kafka)
            try:
                created = ensure_topics(admin, kafka.topic_partitions, TOPICS)
                current = describe(admin, list(TOPICS))
            finally:
                admin.close()
            break
        except Exception as exc:  # noqa: BLE001 - the broker may still be starting
            if time.monotonic() > deadline:
                print(f"topics: broker at {kafka.bootstrap_servers} not usable after {timeout_s:.0f}s: {exc}",
                      file=sys.stderr)
                return 1
            print(f"topics: waiting for the broker ({exc})", flush=True)
            time.sleep(2)
    missing = [t for t in TOPICS if t not in current]
    if missing:
        print(f"topics: still missing after creation: {', '.join(missing)}", file=sys.stderr)
        return 1
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
