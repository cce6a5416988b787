#!/usr/bin/env python3
"""Differential check of SORT and THREAD against Dovecot.

Generates a seeded mailbox of threads with missing parents, truncated and looping References, duplicate
Message-IDs, unparsable dates and decorated subjects; APPENDs it to a Dovecot user and an OrleansMail user (both
must start empty) and compares the answers to THREAD REFERENCES, THREAD ORDEREDSUBJECT and several SORTs.

    python3 tools/dovecot/compare-sort-thread.py --seed 2 --messages 200 \\
        --dovecot 127.0.0.1:14300:user:pass --orleansmail 127.0.0.1:1143:user:pass
"""
import argparse
import imaplib
import random


def generate(seed, n):
    r = random.Random(seed)
    messages, subjects = [], []
    decorations = ["Re: ", "Fwd: ", "[list] Re: ", "RE: [list] ", "Re: Re: ", "Fw: ", ""]
    for i in range(n):
        refs = []
        if i > 0 and r.random() < 0.6:
            parent = r.randrange(i)
            refs = messages[parent]["refs"][-3:] + ["<m%d@x>" % parent]
            if r.random() < 0.15:
                refs = refs[1:]  # a truncated References header
            if r.random() < 0.05:
                refs.append("<m%d@x>" % (i + 1))  # a reference to a later message
            if r.random() < 0.05:
                refs.append("<m%d@x>" % i)  # a reference to itself
            subject = r.choice(decorations) + subjects[parent]
            base = subjects[parent]
        else:
            base = "topic %d" % r.randrange(n // 3 + 1)
            subject = r.choice(["", "", " [list] "]) + base
        subjects.append(base)
        message_id = "<m%d@x>" % i if r.random() > 0.05 else "<m%d@x>" % max(0, i - 1)  # duplicates
        date = "%02d Nov 2026 %02d:%02d:00 +0000" % (1 + r.randrange(28), r.randrange(24), r.randrange(60))
        if r.random() < 0.05:
            date = "not a date"
        messages.append(dict(refs=refs, subject=subject, id=message_id, date=date,
                             sender="u%d@x" % r.randrange(10), dropped=r.random() < 0.15))
    return [m for m in messages if not m["dropped"]]


def load(target, messages):
    host, port, user, password = target.split(":")
    client = imaplib.IMAP4(host, int(port))
    client.login(user, password)
    for index, m in enumerate(messages):
        header = "From: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n" % (m["sender"], m["subject"], m["date"], m["id"])
        if m["refs"]:
            header += "References: %s\r\n" % " ".join(m["refs"])
        # The same internal date on both servers, so an unparsable Date falls back to the same value.
        client.append("INBOX", None, imaplib.Time2Internaldate(1795000000 + index * 60), (header + "\r\nx\r\n").encode())
    client.select("INBOX")
    return client


COMMANDS = [
    ("THREAD", "REFERENCES", "UTF-8", "ALL"),
    ("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL"),
    ("SORT", "(SUBJECT)", "UTF-8", "ALL"),
    ("SORT", "(REVERSE DATE)", "UTF-8", "ALL"),
    ("SORT", "(FROM SUBJECT)", "UTF-8", "ALL"),
    ("SORT", "(ARRIVAL)", "UTF-8", "ALL"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--dovecot", required=True, help="host:port:user:password")
    parser.add_argument("--orleansmail", required=True, help="host:port:user:password")
    args = parser.parse_args()
    messages = generate(args.seed, args.messages)
    dovecot, ours = load(args.dovecot, messages), load(args.orleansmail, messages)
    differences = 0
    for command in COMMANDS:
        dovecot._simple_command(*command)
        expected = dovecot.untagged_responses.pop(command[0], [None])
        ours._simple_command(*command)
        actual = ours.untagged_responses.pop(command[0], [None])
        same = expected == actual
        differences += 0 if same else 1
        print(" ".join(command[:2]), "same" if same else "DIFFERENT")
        if not same:
            print("  dovecot:    ", expected[0])
            print("  orleansmail:", actual[0])
    print("%d messages, %d differences" % (len(messages), differences))
    raise SystemExit(1 if differences else 0)


if __name__ == "__main__":
    main()
