#!/usr/bin/env bash
# A throw-away Dovecot IMAP server on 127.0.0.1:10143 for the e-mail intake tests (issue 14,
# tickets/mailin/tests/test_imap_dovecot.py). Sourced by .ci/run, so the exports below reach the
# test steps; it can also be run by hand: `source .ci/dovecot.sh`.
#
# Everything lives in a temp dir: the config, a passwd-file with one test user, the maildirs, the
# logs. Plaintext login is allowed (localhost only, no SSL). The mail is owned by nobody; dovecot's
# master runs as root (CI runs as root), its login processes as dovenull.
set -euo pipefail

IMAP_TEST_HOST=127.0.0.1
IMAP_TEST_PORT=${IMAP_TEST_PORT:-10143}
IMAP_TEST_USER=servicedesk-ci
IMAP_TEST_PASSWORD=ci-imap-pass-2026
CURRENT=/tmp/servicedesk-dovecot.current   # the config of the instance this script started last

if ! command -v dovecot >/dev/null 2>&1; then
  echo "installing dovecot-imapd"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq dovecot-imapd >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq dovecot-imapd >/dev/null; }
fi
# The package's own instance (systemd is absent in CI containers, but be sure) does not matter: we
# listen on our own port. A previous instance of this script is stopped first.
if [ -f "$CURRENT" ] && [ -f "$(cat "$CURRENT")" ]; then
  dovecot -c "$(cat "$CURRENT")" stop >/dev/null 2>&1 || true
  sleep 1
fi

DOVECOT_DIR=$(mktemp -d /tmp/servicedesk-dovecot.XXXXXX)
chmod 755 "$DOVECOT_DIR"
mkdir -p "$DOVECOT_DIR/mail" "$DOVECOT_DIR/run" "$DOVECOT_DIR/state"
chown nobody:nogroup "$DOVECOT_DIR/mail"
MAIL_UID=$(id -u nobody)
MAIL_GID=$(getent group nogroup | cut -d: -f3)
mkdir -p "$DOVECOT_DIR/mail/$IMAP_TEST_USER"
chown -R nobody:nogroup "$DOVECOT_DIR/mail"
# user:password:uid:gid:(gecos):home
echo "$IMAP_TEST_USER:{PLAIN}$IMAP_TEST_PASSWORD:$MAIL_UID:$MAIL_GID::$DOVECOT_DIR/mail/$IMAP_TEST_USER" > "$DOVECOT_DIR/passwd"
chmod 644 "$DOVECOT_DIR/passwd"
cat > "$DOVECOT_DIR/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/dovecot.log
info_log_path = $DOVECOT_DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_TEST_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVECOT_DIR/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DOVECOT_DIR/passwd
}
CONF
dovecot -c "$DOVECOT_DIR/dovecot.conf"
echo "$DOVECOT_DIR/dovecot.conf" > "$CURRENT"

for _ in $(seq 1 50); do
  if (exec 3<>"/dev/tcp/$IMAP_TEST_HOST/$IMAP_TEST_PORT") 2>/dev/null; then break; fi
  sleep 0.2
done
if ! (exec 3<>"/dev/tcp/$IMAP_TEST_HOST/$IMAP_TEST_PORT") 2>/dev/null; then
  echo "dovecot did not answer on $IMAP_TEST_HOST:$IMAP_TEST_PORT" >&2
  cat "$DOVECOT_DIR/dovecot.log" >&2 || true
  exit 1
fi
echo "dovecot answers on $IMAP_TEST_HOST:$IMAP_TEST_PORT (config $DOVECOT_DIR/dovecot.conf)"
export IMAP_TEST_HOST IMAP_TEST_PORT IMAP_TEST_USER IMAP_TEST_PASSWORD
# The IMAP tests must run, not skip (like REQUIRE_BROWSER for the browser tests).
export REQUIRE_IMAP=1
