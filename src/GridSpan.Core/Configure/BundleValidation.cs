using GridSpan.Common;
using GridSpan.Render;

namespace GridSpan.Configure;

/// <summary>
/// Checks a bundle before anything is sent: paths, packages and units must be names a shell and
/// systemd read one way only, and every service input must be one of the bundle's files.
/// A failure here is a bug in rendering, so the message says so.
/// </summary>
public static class BundleValidation
{
    public static void EnsureValid(NodeBundle bundle)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in bundle.Files)
        {
            if (!file.Path.StartsWith('/') || file.Path.EndsWith('/') || file.Path.Any(char.IsControl) ||
                file.Path.Split('/').Any(part => part is "." or ".."))
            {
                throw Invalid(bundle, $"file path '{file.Path}' is not an absolute path to a file");
            }
            if (!paths.Add(file.Path))
            {
                throw Invalid(bundle, $"file '{file.Path}' appears twice");
            }
            if (file.Mode is < 0 or > 0b111_111_111_111)
            {
                throw Invalid(bundle, $"file '{file.Path}' has mode {Convert.ToString(file.Mode, 8)}, which is not a Unix mode");
            }
            if (!IsName(file.Owner) || !IsName(file.Group))
            {
                throw Invalid(bundle, $"file '{file.Path}' has owner '{file.Owner}:{file.Group}', which is not a user and group name");
            }
        }
        foreach (var package in bundle.Packages)
        {
            if (package.Length < 2 || !char.IsAsciiLetterLower(package[0]) && !char.IsAsciiDigit(package[0]) ||
                !package.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.' or ':'))
            {
                throw Invalid(bundle, $"'{package}' is not a Debian package name");
            }
        }
        foreach (var account in bundle.Accounts)
        {
            if (!IsName(account.Name) || account.Id is < 1000 or > 59_999 || !account.Home.StartsWith('/') || account.Home.Any(char.IsControl) ||
                account.Home.Split('/').Any(part => part is "." or ".."))
            {
                throw Invalid(bundle, $"account '{account.Name}' (id {account.Id}, home '{account.Home}') is not an ordinary user with an absolute home");
            }
        }
        var units = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in bundle.Services)
        {
            if (service.Unit.Length == 0 || service.Unit.Contains('/', StringComparison.Ordinal) || service.Unit.StartsWith('-') ||
                !service.Unit.All(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or ':' or '-' or '\\') ||
                !service.Unit.Contains('.', StringComparison.Ordinal))
            {
                throw Invalid(bundle, $"'{service.Unit}' is not a systemd unit name (e.g. slurmd.service)");
            }
            if (!units.Add(service.Unit))
            {
                throw Invalid(bundle, $"unit '{service.Unit}' appears twice");
            }
            foreach (var input in service.Inputs.Where(input => !paths.Contains(input)))
            {
                throw Invalid(bundle, $"unit '{service.Unit}' depends on '{input}', which is not a file of the bundle");
            }
        }
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 32 && !name.StartsWith('-') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static GridSpanException Invalid(NodeBundle bundle, string problem) =>
        GridSpanException.Failed($"node '{bundle.NodeName}': the rendered bundle is invalid: {problem}",
            "this is a bug in GridSpan's rendering; please report it with the cluster file");
}
