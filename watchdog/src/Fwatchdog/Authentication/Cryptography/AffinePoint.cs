using System.Numerics;

namespace Fwatchdog.Authentication.Cryptography;

/// <summary>A finite point (x, y) of a curve; the point at infinity has no affine form and is
/// written as a null <see cref="AffinePoint"/>? where it can occur.</summary>
internal readonly record struct AffinePoint(BigInteger X, BigInteger Y);
