require ["imap4flags", "fileinto", "relational", "comparator-i;ascii-numeric", "copy", "mailbox", "reject"];
if header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "10" { addflag "$Junk"; fileinto :create :flags "\\Seen" "Junk"; stop; }
if address :count "gt" :comparator "i;ascii-numeric" ["to", "cc"] "1" { redirect :copy "list@example.org"; }
if allof (exists "subject", not size :over 1M, header :matches "subject" "*t?t*") { setflag "\\Flagged"; keep; }
if mailboxexists "Lists" { fileinto "Lists"; } else { reject text:
Go away.
..dotted
.
; }
