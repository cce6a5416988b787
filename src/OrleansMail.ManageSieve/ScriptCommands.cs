using System.Text;
using OrleansMail.Accounts.Directory;
using OrleansMail.Grains.Contracts;
using OrleansMail.Sieve;

namespace OrleansMail.ManageSieve;

/// <summary>
/// The commands on a user's scripts (RFC 5804 §2.3–§2.13), each one call to the user's grain, which keeps the
/// scripts, compiles them and enforces their limits; its errors come back as the response codes the RFC names.
/// </summary>
internal sealed class ScriptCommands(ManageSieveSession session)
{
    /// <summary>The largest script a user may store: what the grain enforces, and what a PUTSCRIPT literal may bring.</summary>
    public static readonly int MaxScriptBytes = new SieveLimits().MaxScriptBytes;

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "HAVESPACE", "PUTSCRIPT", "LISTSCRIPTS", "SETACTIVE", "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT", "CHECKSCRIPT",
    };

    public async Task ExecuteAsync(ManageSieveCommand command, UserEntry user)
    {
        var grain = session.Services.Grains.GetGrain<IUserGrain>(user.UserId);
        var args = command.Arguments;
        switch (command.Name)
        {
            case "HAVESPACE":
                ManageSieveSession.Expect(command, 2, 2, "HAVESPACE name size");
                if (args[1].IsString)
                {
                    throw new ManageSieveSyntaxException("Syntax: HAVESPACE name size (a number)");
                }

                await grain.CheckSieveSpaceAsync(Name(args[0]), args[1].Number).ConfigureAwait(false);
                await OkAsync("Putscript would succeed.").ConfigureAwait(false);
                return;

            case "PUTSCRIPT":
                {
                    ManageSieveSession.Expect(command, 2, 2, "PUTSCRIPT name script");
                    var name = Name(args[0]);
                    await grain.PutSieveScriptAsync(name, Script(command, args[1])).ConfigureAwait(false);
                    session.Services.Metrics.ScriptsStored.Add(1);
                    ManageSieveLog.ScriptChanged(session.Services.Log, "PUTSCRIPT", user.UserId, name);
                    await OkAsync("Putscript completed.").ConfigureAwait(false);
                    return;
                }

            case "CHECKSCRIPT":
                ManageSieveSession.Expect(command, 1, 1, "CHECKSCRIPT script");
                await grain.CheckSieveScriptAsync(Script(command, args[0])).ConfigureAwait(false);
                await OkAsync("Script is valid.").ConfigureAwait(false);
                return;

            case "LISTSCRIPTS":
                {
                    ManageSieveSession.Expect(command, 0, 0, "LISTSCRIPTS");
                    var response = new ResponseBuilder();
                    foreach (var script in await grain.ListSieveScriptsAsync().ConfigureAwait(false))
                    {
                        response.String(script.Name);
                        if (script.Active)
                        {
                            response.Atom(" ACTIVE");
                        }

                        response.CrLf();
                    }

                    await session.SendAsync(response.Status("OK", null, "Listscripts completed.")).ConfigureAwait(false);
                    return;
                }

            case "SETACTIVE":
                {
                    ManageSieveSession.Expect(command, 1, 1, "SETACTIVE name");

                    // RFC 5804 §2.8: the empty name deactivates whatever is active.
                    var name = ManageSieveSession.Text(args[0], "script name");
                    await grain.SetActiveSieveScriptAsync(name.Length == 0 ? null : name).ConfigureAwait(false);
                    ManageSieveLog.ScriptChanged(session.Services.Log, "SETACTIVE", user.UserId, name);
                    await OkAsync(name.Length == 0 ? "No script is active now." : "Setactive completed.").ConfigureAwait(false);
                    return;
                }

            case "GETSCRIPT":
                {
                    ManageSieveSession.Expect(command, 1, 1, "GETSCRIPT name");
                    var source = await grain.GetSieveScriptAsync(Name(args[0])).ConfigureAwait(false);

                    // Always a literal: a script has line breaks, and clients expect one (RFC 5804 §2.9's example).
                    var response = new ResponseBuilder().Literal(Encoding.UTF8.GetBytes(source)).CrLf();
                    await session.SendAsync(response.Status("OK", null, "Getscript completed.")).ConfigureAwait(false);
                    return;
                }

            case "DELETESCRIPT":
                {
                    ManageSieveSession.Expect(command, 1, 1, "DELETESCRIPT name");
                    var name = Name(args[0]);
                    await grain.DeleteSieveScriptAsync(name).ConfigureAwait(false);
                    ManageSieveLog.ScriptChanged(session.Services.Log, "DELETESCRIPT", user.UserId, name);
                    await OkAsync("Deletescript completed.").ConfigureAwait(false);
                    return;
                }

            case "RENAMESCRIPT":
                {
                    ManageSieveSession.Expect(command, 2, 2, "RENAMESCRIPT old-name new-name");
                    var (from, to) = (Name(args[0]), Name(args[1]));
                    await grain.RenameSieveScriptAsync(from, to).ConfigureAwait(false);
                    ManageSieveLog.ScriptChanged(session.Services.Log, "RENAMESCRIPT", user.UserId, to);
                    await OkAsync("Renamescript completed.").ConfigureAwait(false);
                    return;
                }
        }
    }

    private Task OkAsync(string text) => session.SendAsync(new ResponseBuilder().Status("OK", null, text));

    private static string Name(ManageSieveArgument argument) => ManageSieveSession.Text(argument, "script name");

    /// <summary>The script of PUTSCRIPT or CHECKSCRIPT; one too large to read was dropped, and is refused as RFC 5804 §2.6 says.</summary>
    private static string Script(ManageSieveCommand command, ManageSieveArgument argument)
    {
        if (command.LiteralDropped)
        {
            throw new ManageSieveNoException("QUOTA/MAXSIZE", $"A script is at most {MaxScriptBytes} bytes");
        }

        if (!argument.TryGetText(out var source))
        {
            throw new ManageSieveNoException(argument.IsString ? "The script is not UTF-8" : "The script must be a string");
        }

        return source;
    }
}
