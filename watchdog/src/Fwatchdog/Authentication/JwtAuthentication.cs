namespace Fwatchdog.Authentication;

/// <summary>jwt_auth=true's settings: the function tokens must grant, and where the gateway's keys are.</summary>
/// <param name="Local">jwt_auth_local: a gateway port-forwarded to 127.0.0.1:8000 instead of the in-cluster one.</param>
/// <param name="Debug">jwt_auth_debug: log the keys' issuer and URL and every admitted call.</param>
public sealed record JwtAuthentication(FunctionIdentity Function, bool Local, bool Debug)
{
    public Uri DiscoveryUrl => Local ? OpenIdKeySource.LocalDiscoveryUrl : OpenIdKeySource.ClusterDiscoveryUrl;
}
