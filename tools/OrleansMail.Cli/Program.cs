using System.CommandLine;
using OrleansMail.Cli;

// Exit codes a script can rely on: 0 done, 1 refused (exists / not found), 2 bad usage.
var passwdFile = new Option<string>("--passwd-file") { Description = "The Dovecot-format passwd-file", DefaultValueFactory = _ => Path.Combine("data", "users.passwd"), Recursive = true };
var name = new Argument<string>("user") { Description = "Login name (stored in lower case)" };
var password = new Option<string?>("--password") { Description = "The password; read from standard input when absent (keeps it out of the shell history)" };
var scheme = new Option<string>("--scheme") { Description = "ARGON2ID, SHA512-CRYPT or BLF-CRYPT", DefaultValueFactory = _ => "ARGON2ID" };

var add = new Command("add", "Add a user (fails if it exists)") { name, password, scheme };
add.SetAction(parse => UserCommands.Add(parse.GetValue(passwdFile)!, parse.GetValue(name)!, parse.GetValue(password), parse.GetValue(scheme)!, replace: false));
var passwd = new Command("passwd", "Set a user's password") { name, password, scheme };
passwd.SetAction(parse => UserCommands.Add(parse.GetValue(passwdFile)!, parse.GetValue(name)!, parse.GetValue(password), parse.GetValue(scheme)!, replace: true));
var del = new Command("del", "Remove a user from the passwd-file (the mail stays in the store)") { name };
del.SetAction(parse => UserCommands.Delete(parse.GetValue(passwdFile)!, parse.GetValue(name)!));
var list = new Command("list", "List users");
list.SetAction(parse => UserCommands.List(parse.GetValue(passwdFile)!));

var user = new Command("user", "Manage users in the passwd-file") { add, passwd, del, list };
var root = new RootCommand("OrleansMail administration") { user };
root.Options.Add(passwdFile);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Try 'orleansmail --help'.");
    return 2;
}

return await parsed.InvokeAsync();
