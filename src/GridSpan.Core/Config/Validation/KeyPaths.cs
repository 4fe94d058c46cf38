namespace GridSpan.Config.Validation;

/// <summary>Builds key paths such as `sites[1].workers[0].name` for messages.</summary>
internal static class KeyPaths
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";
}
