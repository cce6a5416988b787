using OrleansMail.Mail;

namespace OrleansMail.Accounts.Directory;

/// <summary>A recipient address mapped onto a user, with its "+detail" (the folder LMTP may deliver into) if any, and the user's quota.</summary>
public sealed record ResolvedRecipient(string UserId, string? Detail, QuotaLimits? Quota = null);
