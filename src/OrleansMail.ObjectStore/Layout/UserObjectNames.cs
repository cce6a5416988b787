using OrleansMail.Identity;

namespace OrleansMail.ObjectStore.Layout;

/// <summary>The object names of one user (docs/architecture.md, data layout); {u} is the encoded canonical user id.</summary>
public sealed class UserObjectNames(string encodedUser)
{
    public string User { get; } = encodedUser;

    public string Lease => $"users/{User}/lease";

    public string MessagesPrefix => $"users/{User}/msg/";

    public string IndexPrefix => $"users/{User}/index/";

    public string Body(Guid bodyId) => $"users/{User}/msg/{BodyIds.Bucket(bodyId)}/{bodyId:N}";

    public string BucketPrefix(string bucket) => $"users/{User}/msg/{bucket}/";

    public string Index(string name) => IndexPrefix + name;

    /// <summary>The full-text index: its manifest and the immutable files it names (docs/architecture.md, "Full-text search").</summary>
    public string FullTextPrefix => $"users/{User}/fts/";

    public static UserObjectNames For(string canonicalUserId) => new(UserKey.Encode(canonicalUserId));

    /// <summary>Parses the body id out of a body object name; false for anything else.</summary>
    public static bool TryParseBody(string objectName, out Guid bodyId, out string bucket)
    {
        var parts = objectName.Split('/');
        bucket = parts.Length >= 2 ? parts[^2] : "";
        bodyId = Guid.Empty;
        return parts.Length >= 5 && parts[^3] == "msg" && Guid.TryParseExact(parts[^1], "N", out bodyId);
    }
}
