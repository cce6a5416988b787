#!/usr/bin/env bash
# Starts Debian's Dovecot (dovecot-imapd, dovecot-lmtpd) with a private configuration on loopback, for side-by-side
# benchmarks with the same clients and messages: IMAP on $IMAP_PORT, LMTP on $LMTP_PORT, Maildir under $DIR, the
# users of $DIR/users.passwd (same format as OrleansMail's). Tuned as a high-performance installation runs it:
# mdbox (FORMAT, or maildir for the default layout), mail_fsync=optimized, login, imap and lmtp processes kept
# alive and pre-forked per core (service_count = 0, process_min_avail), 100 clients per imap process, the cache
# filled from the first mail. Prints the PID; stop with kill.
#   tools/dovecot/start-dovecot.sh DIR IMAP_PORT LMTP_PORT [mdbox|maildir]
set -euo pipefail
dir=$(realpath "$1"); imap_port=$2; lmtp_port=$3; format=${4:-mdbox}; cores=$(nproc)
case $format in mdbox|maildir) ;; *) echo "FORMAT is mdbox or maildir" >&2; exit 2;; esac
command -v dovecot >/dev/null || { echo "install dovecot-imapd and dovecot-lmtpd first" >&2; exit 2; }
mkdir -p "$dir/run" "$dir/state" "$dir/mail"
mail_user=$(id -un); mail_group=$(id -gn); internal_user=$mail_user; internal_group=$mail_group; login_user=$mail_user
if [ "$(id -u)" = 0 ]; then
  # Started as root, Dovecot wants its unprivileged users for mail, internal and login processes.
  mail_user=dovecot; mail_group=dovecot; internal_user=dovecot; internal_group=dovecot; login_user=dovenull
  chown -R dovecot:dovecot "$dir/mail"
  chmod 755 "$dir"
fi
cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = $format:$dir/mail/%u
mail_fsync = optimized
mail_cache_min_mail_count = 0
mail_uid = $mail_user
mail_gid = $mail_group
first_valid_uid = 1
default_internal_user = $internal_user
default_internal_group = $internal_group
default_login_user = $login_user
# RCPT TO:<user0@localhost> and LOGIN user0 name the same user, as OrleansMail's directory maps them.
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = $dir/users.passwd
}
userdb {
  driver = static
  args = home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = $cores
}
service imap {
  service_count = 0
  process_min_avail = $cores
  client_limit = 100
  process_limit = 2048
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
  unix_listener lmtp {
    mode = 0
  }
  service_count = 0
  process_min_avail = $cores
}
service auth {
  client_limit = 4096
  unix_listener auth-userdb {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
CONF
dovecot -c "$dir/dovecot.conf"
sleep 1
cat "$dir/run/master.pid"
