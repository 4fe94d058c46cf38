using System.Net;
using System.Text.Json.Nodes;

namespace GridSpan.Testing.FakeArm;

public sealed partial class FakeArm
{
    private Reply RoleAssignment(string method, string scope, string name, JsonNode? body)
    {
        var id = $"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}";
        switch (method)
        {
            case "GET":
                return _resources.TryGetValue(id, out var found) ? Ok(found.DeepClone())
                    : Error(HttpStatusCode.NotFound, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");
            case "DELETE":
                return _resources.Remove(id, out var removed) ? Ok(removed) : new Reply(HttpStatusCode.NoContent, null);
            case "PUT":
                if (RefuseRoleAssignments)
                {
                    return Error(HttpStatusCode.Forbidden, "AuthorizationFailed",
                        "The client 'gridspan-tests' with object id '00000000-0000-4000-8000-0000000000c1' does not have authorization to perform action " +
                        $"'Microsoft.Authorization/roleAssignments/write' over scope '{id}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
                }
                var principal = body?["properties"]?["principalId"]?.GetValue<string>();
                if (!_resources.Values.Any(r => r["identity"]?["principalId"]?.GetValue<string>() == principal))
                {
                    return Error(HttpStatusCode.BadRequest, "PrincipalNotFound", $"Principal {principal} does not exist in the directory 00000000-0000-4000-8000-00000000fe11.");
                }
                if (_resources.TryGetValue(id, out var existing) && existing["properties"]?["principalId"]?.GetValue<string>() != principal)
                {
                    return Error(HttpStatusCode.Conflict, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
                }
                var assignment = new JsonObject
                {
                    ["id"] = id, ["name"] = name, ["type"] = "Microsoft.Authorization/roleAssignments",
                    ["properties"] = body!["properties"]!.DeepClone(),
                };
                ((JsonObject)assignment["properties"]!)["scope"] = scope;
                _resources[id] = assignment;
                return new Reply(HttpStatusCode.Created, assignment.DeepClone());
            default:
                return Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not allowed on a role assignment.");
        }
    }

    /// <summary>The role assignments held, as (scope, principal id, role definition id).</summary>
    public IReadOnlyList<(string Scope, string Principal, string Role)> RoleAssignments
    {
        get
        {
            lock (_lock)
            {
                return [.. _resources.Values.Where(r => r["type"]?.GetValue<string>() == "Microsoft.Authorization/roleAssignments")
                    .Select(r => (r["properties"]!["scope"]!.GetValue<string>(), r["properties"]!["principalId"]!.GetValue<string>(),
                        r["properties"]!["roleDefinitionId"]!.GetValue<string>()))];
            }
        }
    }
}
