using OrleansMail.Accounts.Directory;
using OrleansMail.Accounts.Passwords;

namespace OrleansMail.Cli;

/// <summary>`user add|passwd|del|list` over the passwd-file; the server re-reads the file when it changes.</summary>
internal static class UserCommands
{
    public static int Add(string file, string user, string? password, string scheme, bool replace)
    {
        if (string.IsNullOrWhiteSpace(user) || user.Contains(':', StringComparison.Ordinal) || user.Any(char.IsWhiteSpace))
        {
            Console.Error.WriteLine($"invalid user name '{user}'");
            return 2;
        }

        var exists = File.Exists(file) && File.ReadLines(file).Any(l => !l.TrimStart().StartsWith('#') && l.Split(':')[0].Trim().Equals(user, StringComparison.OrdinalIgnoreCase));
        if (exists != replace)
        {
            Console.Error.WriteLine(replace ? $"no user '{user}' in {file}" : $"user '{user}' exists in {file}");
            return 1;
        }

        password ??= Console.In.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("empty password");
            return 2;
        }

        string hash;
        try
        {
            hash = PasswordSchemes.Create(password, scheme);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        PasswdFileDirectory.Upsert(file, user, hash);
        Console.WriteLine(replace ? $"password of {user.ToLowerInvariant()} changed" : $"user {user.ToLowerInvariant()} added to {file}");
        return 0;
    }

    /// <summary>The canonical id of a user the passwd-file names (login rules of the server), or null.</summary>
    public static string? Find(string file, string user) =>
        new PasswdFileDirectory(new AccountsOptions { PasswdFile = file }, Microsoft.Extensions.Logging.Abstractions.NullLogger<PasswdFileDirectory>.Instance).FindLogin(user)?.UserId;

    /// <summary>The quota a user's line gives it, with <paramref name="defaultRules"/> where it sets none (the server's Accounts:QuotaRules).</summary>
    public static Mail.QuotaLimits? Quota(string file, string user, IReadOnlyList<string> defaultRules) =>
        new PasswdFileDirectory(new AccountsOptions { PasswdFile = file, QuotaRules = [.. defaultRules] }, Microsoft.Extensions.Logging.Abstractions.NullLogger<PasswdFileDirectory>.Instance).FindLogin(user)?.Quota;

    public static int SetQuota(string file, string user, IReadOnlyList<string> rules)
    {
        if (!Mail.QuotaLimits.TryParse(rules, out _, out var error))
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        if (!File.Exists(file) || !PasswdFileDirectory.SetQuotaRules(file, user, rules))
        {
            Console.Error.WriteLine($"no user '{user}' in {file}");
            return 1;
        }

        Console.WriteLine(rules.Count == 0 ? $"quota rules of {user.ToLowerInvariant()} removed" : $"quota of {user.ToLowerInvariant()}: {string.Join(' ', rules)}");
        return 0;
    }

    public static int Delete(string file, string user)
    {
        if (!PasswdFileDirectory.Remove(file, user))
        {
            Console.Error.WriteLine($"no user '{user}' in {file}");
            return 1;
        }

        Console.WriteLine($"user {user.ToLowerInvariant()} removed (mail stays in the store)");
        return 0;
    }

    public static int List(string file)
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"{file} does not exist");
            return 1;
        }

        foreach (var line in File.ReadLines(file))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
            {
                var fields = trimmed.Split(':');
                Console.WriteLine($"{fields[0].ToLowerInvariant()}\t{PasswordSchemes.Split(fields.Length > 1 ? fields[1] : "").Scheme}");
            }
        }

        return 0;
    }
}
