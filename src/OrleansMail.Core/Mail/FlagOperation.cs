namespace OrleansMail.Mail;

/// <summary>How a flag change combines with the flags a message has (STORE FLAGS, +FLAGS, -FLAGS).</summary>
public enum FlagOperation : byte
{
    Replace = 0,
    Add = 1,
    Remove = 2,
}
