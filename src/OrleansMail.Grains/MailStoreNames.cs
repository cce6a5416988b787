namespace OrleansMail.Grains;

/// <summary>Names shared by grains and hosts.</summary>
public static class MailStoreNames
{
    /// <summary>The grain storage provider that holds manifests.</summary>
    public const string GrainStorage = "mailstore";
}
